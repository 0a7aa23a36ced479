package testenv

import (
	"net"
	"testing"
)

func TestGetenvReadsOnlyTheMap(t *testing.T) {
	t.Setenv("DOCMETA_TESTENV_PROBE", "from the process")
	get := Getenv(map[string]string{"A": "1"})
	if get("A") != "1" || get("DOCMETA_TESTENV_PROBE") != "" {
		t.Errorf("A=%q probe=%q", get("A"), get("DOCMETA_TESTENV_PROBE"))
	}
}

func TestFreeAddrCanBeListenedOn(t *testing.T) {
	addr, err := FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on %s: %v", addr, err)
	}
	ln.Close()
	if host, _, _ := net.SplitHostPort(addr); host != "127.0.0.1" {
		t.Errorf("address %s is not loopback", addr)
	}
}
