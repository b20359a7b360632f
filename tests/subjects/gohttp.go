// Test subject: a tiny Go HTTP server, like the seeds' program. Built with and without cgo.
// Modes: (none) idle; "alloc" keeps 64 MiB allocated; "churn" allocates and frees ~200 MiB before serving;
// "block" leaves two goroutines blocked in read(2) on a pipe, so their threads sit in a system call on goroutine stacks.
// Over time, after "ready" (for memlens record): "reserve" reserves 64 MiB more address space every 100 ms (PROT_NONE,
// as a runtime reserves arenas ahead: VSZ grows, RSS does not); "mmapleak" maps and touches 1 MiB more every 50 ms outside the Go heap (RSS grows, MemStats do not);
// "sawtooth" touches 40 MiB, drops it, collects and returns it to the OS, over and over (a GC'd heap's cycle).
// "reserve700" reserves 700 MiB PROT_NONE once before serving (the size of the runtime's page-allocator summaries, as
// a program's own reservation may be) and prints its address after the listening one.
// It listens on 127.0.0.1 on a port the OS chooses and prints "ready <addr>".
package main

import (
	"expvar"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"
	"unsafe"
)

var sink [][]byte

func main() {
	_ = expvar.NewInt("requests")
	http.HandleFunc("/bar", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Hello, %q", r.URL.Path)
	})
	mode := ""
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	reservedAt := ""
	switch mode {
	case "reserve700":
		b, err := syscall.Mmap(-1, 0, 700<<20, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
		if err != nil {
			panic(err)
		}
		sink = append(sink, b)
		reservedAt = fmt.Sprintf(" %x", uintptr(unsafe.Pointer(&b[0])))
	case "alloc": // keep 64 MiB allocated (untouched: fresh pages are not resident)
		for i := 0; i < 64; i++ {
			sink = append(sink, make([]byte, 1<<20))
		}
	case "churn": // allocate and touch ~200 MiB, then free it and collect
		for i := 0; i < 200; i++ {
			b := make([]byte, 1<<20)
			for j := 0; j < len(b); j += 4096 {
				b[j] = 1
			}
			sink = append(sink, b)
		}
		sink = nil
		runtime.GC()
	case "block": // a blocking read on a raw pipe keeps the goroutine's thread in the kernel, on the goroutine's stack
		var fds [2]int
		if err := syscall.Pipe(fds[:]); err != nil {
			panic(err)
		}
		for i := 0; i < 2; i++ {
			go func() {
				buf := make([]byte, 1)
				syscall.Read(fds[0], buf)
			}()
		}
		time.Sleep(300 * time.Millisecond)
	}
	switch mode {
	case "reserve":
		go func() {
			for i := 0; i < 64; i++ {
				b, err := syscall.Mmap(-1, 0, 64<<20, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
				if err != nil {
					panic(err)
				}
				sink = append(sink, b)
				time.Sleep(100 * time.Millisecond)
			}
		}()
	case "mmapleak":
		go func() {
			for i := 0; i < 512; i++ {
				b, err := syscall.Mmap(-1, 0, 1<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
				if err != nil {
					panic(err)
				}
				for j := 0; j < len(b); j += 4096 {
					b[j] = 1
				}
				sink = append(sink, b)
				time.Sleep(50 * time.Millisecond)
			}
		}()
	case "sawtooth":
		go func() {
			for {
				b := make([]byte, 40<<20)
				for j := 0; j < len(b); j += 4096 {
					b[j] = 1
				}
				time.Sleep(300 * time.Millisecond)
				b = nil
				runtime.GC()
				debug.FreeOSMemory()
				time.Sleep(300 * time.Millisecond)
			}
		}()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Printf("ready %s%s\n", ln.Addr(), reservedAt)
	http.Serve(ln, nil)
}
