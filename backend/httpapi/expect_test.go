package httpapi

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/internal/testenv"
)

// tcpTimeout bounds every wait on a loopback socket in these tests.
const tcpTimeout = 30 * time.Second

// dialTCP opens a connection to a TCP test server with a generous deadline.
func dialTCP(t *testing.T, ts *testServer) net.Conn {
	t.Helper()
	return testenv.Dial(t, ts.addr, tcpTimeout)
}

// TestExpectContinueRefusedBeforeTheBody: a request with Expect:
// 100-continue that will be refused gets its final status and never "100
// Continue", so the client never sends the body; an acceptable one gets
// "100 Continue" and is stored.
func TestExpectContinueRefusedBeforeTheBody(t *testing.T) {
	ts := startTCPServer(t, nil)
	ct, body := multipartBody(t, [3]string{"file", "a.txt", "hello"})
	cases := []struct {
		name, auth string
		length     int64
		status     int
		code       string
	}{
		{"keyless", "", int64(body.Len()), http.StatusUnauthorized, backend.EUNAUTHORIZED},
		{"oversized", "Authorization: Bearer " + testKey + "\r\n", 1<<20 + FramingAllowance + 1, http.StatusRequestEntityTooLarge, backend.ETOOLARGE},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := dialTCP(t, ts)
			fmt.Fprintf(c, "POST /upload HTTP/1.1\r\nHost: docmeta\r\n%sContent-Type: %s\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
				tc.auth, ct, tc.length)
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode == http.StatusContinue {
				t.Fatal("the server answered 100 Continue to a request it refuses")
			}
			wantError(t, resp, tc.status, tc.code)
		})
	}
	t.Run("accepted", func(t *testing.T) {
		c := dialTCP(t, ts)
		fmt.Fprintf(c, "POST /upload HTTP/1.1\r\nHost: docmeta\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
			testKey, ct, body.Len())
		br := bufio.NewReader(c)
		line, err := br.ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "HTTP/1.1 100 Continue") {
			t.Fatalf("first line %q (%v); want 100 Continue", line, err)
		}
		if _, err := br.ReadString('\n'); err != nil { // the blank line
			t.Fatal(err)
		}
		if _, err := io.Copy(c, body); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d after 100 Continue; want 201", resp.StatusCode)
		}
	})
}
