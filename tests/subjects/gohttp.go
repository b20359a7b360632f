// Test subject: a tiny Go HTTP server, like the seeds' program. Built with and without cgo.
// It listens on 127.0.0.1 on a port the OS chooses and prints "ready <addr>".
package main

import (
	"expvar"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
)

var sink [][]byte

func main() {
	_ = expvar.NewInt("requests")
	http.HandleFunc("/bar", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Hello, %q", r.URL.Path)
	})
	if len(os.Args) > 1 && os.Args[1] == "alloc" {
		for i := 0; i < 64; i++ {
			sink = append(sink, make([]byte, 1<<20))
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Printf("ready %s\n", ln.Addr())
	http.Serve(ln, nil)
}
