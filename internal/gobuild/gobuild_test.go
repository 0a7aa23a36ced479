package gobuild

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestTempBinaryBuildsARunnableCommand(t *testing.T) {
	bin, cleanup, err := TempBinary("github.com/docmeta/docmeta/backend/cmd/docmeta-server")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-version").CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) == 0 {
		t.Fatalf("%s -version: %v %q", bin, err, out)
	}
	cleanup()
	if _, err := os.Stat(bin); !os.IsNotExist(err) {
		t.Errorf("cleanup left %s: %v", bin, err)
	}
}

func TestBinaryNamesTheFailingPackage(t *testing.T) {
	_, err := Binary(t.TempDir(), "github.com/docmeta/docmeta/no/such/cmd")
	if err == nil || !strings.Contains(err.Error(), "no/such/cmd") {
		t.Fatalf("err = %v", err)
	}
}
