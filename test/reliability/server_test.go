//go:build reliability

package reliability

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/internal/dynalitetest"
	"github.com/docmeta/docmeta/internal/serverproc"

	"github.com/docmeta/docmeta/internal/testenv"
)

// apiKey is configured on every server the tests start: the paths under
// test include authentication, as in production.
const apiKey = "reliability-key-0123456789"

// server is a docmeta process plus what is needed to restart it.
type server struct {
	*serverproc.Proc
	env []string
}

// startServer runs docmeta with env (DOCMETA_ADDR and the API key are
// added) and kills it when the test ends if it still runs.
func startServer(t *testing.T, env ...string) *server {
	t.Helper()
	addr, err := testenv.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	env = append([]string{"DOCMETA_ADDR=" + addr, "DOCMETA_API_KEYS=" + apiKey}, env...)
	return startServerEnv(t, env)
}

func startServerEnv(t *testing.T, env []string) *server {
	t.Helper()
	var addr string
	for _, e := range env {
		if len(e) > len("DOCMETA_ADDR=") && e[:len("DOCMETA_ADDR=")] == "DOCMETA_ADDR=" {
			addr = e[len("DOCMETA_ADDR="):]
		}
	}
	p, err := serverproc.Start(serverproc.Config{
		Name: "docmeta-server", Bin: serverBin, Env: env, Addr: addr,
		LogPath: filepath.Join(t.TempDir(), "server.log"),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	return &server{Proc: p, env: env}
}

// restart starts the same configuration again (same address and data) after
// the previous process has exited.
func (s *server) restart(t *testing.T) *server {
	t.Helper()
	if !s.Exited() {
		t.Fatal("restart: the previous server is still running")
	}
	return startServerEnv(t, s.env)
}

// boltEnv is the environment for a server on the embedded store in a fresh
// data directory.
func boltEnv(t *testing.T) []string {
	return []string{"DOCMETA_STORE=bolt", "DOCMETA_DATA_DIR=" + t.TempDir()}
}

// dynamoEnv starts dynalite, creates the docmeta table in it and returns
// the environment for a server on the DynamoDB store.
func dynamoEnv(t *testing.T) ([]string, *dynalitetest.Server) {
	t.Helper()
	d := dynalitetest.Start(t)
	cfg := dynamo.Config{Region: "us-east-1", Table: "docmeta-reliability", Endpoint: d.Endpoint}
	if err := dynamo.CreateTable(context.Background(), cfg); err != nil {
		t.Fatalf("create table in dynalite: %v", err)
	}
	return []string{"DOCMETA_STORE=dynamodb", "DOCMETA_TABLE=" + cfg.Table, "AWS_REGION=" + cfg.Region,
		"AWS_ENDPOINT_URL_DYNAMODB=" + cfg.Endpoint}, d
}
