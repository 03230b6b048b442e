// tests/integ/trace_tls_go.sh's client: Go's own TLS (crypto/tls, in no
// library rawtel probes) through net/http, ALPN h2 and http/1.1 offered
// (ForceAttemptHTTP2), server name SNI, a GET of /hello.txt on each of
// four connections to 127.0.0.1:PORT: TLS 1.3 then 1.2, each twice with
// one session cache (the second resumes). Prints per connection its local
// port, version, cipher suite, the ALPN the server chose ("-": none) and
// whether it resumed, as crypto/tls reports them.
//
//	go run tls_go_client.go PORT SNI
package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

var names = map[uint16]string{tls.VersionTLS12: "TLSv1.2", tls.VersionTLS13: "TLSv1.3"}

// one GET on a connection of its own; its line
func get(port, sni string, v uint16, cache tls.ClientSessionCache) error {
	local := 0
	tr := &http.Transport{
		ForceAttemptHTTP2: true,
		DisableKeepAlives: true,
		TLSClientConfig: &tls.Config{ServerName: sni, InsecureSkipVerify: true,
			MinVersion: v, MaxVersion: v, ClientSessionCache: cache},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err == nil {
				local = c.LocalAddr().(*net.TCPAddr).Port
			}
			return c, err
		},
	}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get("https://127.0.0.1:" + port + "/hello.txt")
	if err != nil {
		return err
	}
	// the whole body: a TLS 1.3 session ticket comes after the handshake
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.TLS == nil {
		return fmt.Errorf("body: %v (TLS state %v)", err, resp.TLS != nil)
	}
	st, alpn := resp.TLS, resp.TLS.NegotiatedProtocol
	if alpn == "" {
		alpn = "-"
	}
	fmt.Printf("%d %s %s %s %v\n", local, names[st.Version], tls.CipherSuiteName(st.CipherSuite), alpn, st.DidResume)
	return nil
}

func main() {
	for _, v := range []uint16{tls.VersionTLS13, tls.VersionTLS12} {
		cache := tls.NewLRUClientSessionCache(4)
		for i := 0; i < 2; i++ {
			if err := get(os.Args[1], os.Args[2], v, cache); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	}
}
