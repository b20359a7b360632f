// Test subject: a tiny Go HTTP server, like the seeds' program. Built with and without cgo.
// Modes: (none) idle; "alloc" keeps 64 MiB allocated; "churn" allocates and frees ~200 MiB before serving;
// "block" leaves two goroutines blocked in read(2) on a pipe, so their threads sit in a system call on goroutine stacks.
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
	"syscall"
	"time"
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
	switch mode {
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Printf("ready %s\n", ln.Addr())
	http.Serve(ln, nil)
}
