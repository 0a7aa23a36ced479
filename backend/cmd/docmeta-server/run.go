package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/backend/bolt"
	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/backend/httpapi"
)

// createTableTimeout bounds -create-table (the table must also turn active).
const createTableTimeout = 30 * time.Second

// run is the whole server: it returns when ctx is cancelled (SIGTERM or
// SIGINT in main) and the server has drained, or with the first error that
// prevents serving. Configuration comes only from args and getenv.
//
// Once listening it logs a "listening" line whose addr field is the bound
// address; with port 0 that is how callers (tests, scripts) find the port.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil // -help printed the usage
	}
	if err != nil {
		return err
	}
	if cfg.PrintVersion {
		fmt.Fprintln(stdout, "docmeta-server", version())
		return nil
	}

	sink, err := openLogSink(stdout, cfg.LogFile)
	if err != nil {
		return err
	}
	defer sink.Close()
	logger := slog.New(slog.NewJSONHandler(sink, &slog.HandlerOptions{ReplaceAttr: httpapi.ReplaceSecretAttr}))
	stopHUP := reopenOnSIGHUP(sink, logger)
	defer stopHUP()

	awsCfg, err := loadAWS(ctx, cfg)
	if err != nil {
		return err
	}
	keys := cfg.APIKeys
	if cfg.APIKeysSSMParam != "" {
		ssmKeys, err := loadSSMKeys(ctx, *awsCfg, cfg)
		if err != nil {
			return err
		}
		keys = append(keys, ssmKeys...)
	}
	cfg.APIKeys = keys
	if err := cfg.checkAnonymous(); err != nil {
		return err
	}

	store, err := openStore(ctx, cfg, awsCfg, logger)
	if err != nil {
		return err
	}
	storeOpen := true
	defer func() {
		if storeOpen {
			_ = store.Close()
		}
	}()

	api, err := httpapi.New(httpapi.Config{
		Store: store, StoreName: cfg.Store, Version: version(), APIKeys: keys,
		MaxUploadBytes: cfg.MaxUploadBytes, ReadTimeout: cfg.ReadTimeout, UploadTimeout: cfg.UploadTimeout,
		MinUploadRate: cfg.MinUploadRate, IdleTimeout: cfg.IdleTimeout, StoreTimeout: cfg.StoreTimeout,
		IdempotencyTTL: cfg.IdempotencyTTL, MaxConcurrentUploads: cfg.MaxUploads, MaxConnections: cfg.MaxConnections, Logger: logger,
	})
	if err != nil {
		return err
	}
	srv := api.Server()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("DOCMETA_ADDR=%s: cannot listen (%v); choose a free port or an address of this host (-addr)", cfg.Addr, err)
	}
	logger.Info("listening", "addr", ln.Addr().String(), "store", cfg.Store, "version", version(),
		"api_keys", len(keys), "anonymous", len(keys) == 0, "max_upload_bytes", cfg.MaxUploadBytes,
		"log_file", cfg.LogFile)
	_ = sink.Flush()

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(api.Listener(ln)) }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("serving on %s stopped: %w", ln.Addr(), err)
	case <-ctx.Done():
	}

	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	_ = sink.Flush()
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.ShutdownWithContext(sctx); err != nil {
		return fmt.Errorf("in-flight requests did not finish within DOCMETA_SHUTDOWN_TIMEOUT=%s: %w", cfg.ShutdownTimeout, err)
	}
	<-serveErr
	storeOpen = false
	if err := store.Close(); err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}

// openStore opens the configured store; errors name what to fix. awsCfg is
// the process's AWS configuration (nil unless the store is DynamoDB or
// keys come from SSM).
func openStore(ctx context.Context, cfg config, awsCfg *aws.Config, logger *slog.Logger) (backend.Store, error) {
	if cfg.Store != storeDynamo {
		s, err := bolt.Open(filepath.Join(cfg.DataDir, "docmeta.db"))
		if err != nil {
			return nil, err
		}
		if n := s.Recovered(); n > 0 {
			// Uploads acknowledged before an unclean stop (a crash, a
			// kill, a power cut): worth a line, nothing to fix.
			logger.Info("bolt store recovered documents from its write-ahead log", "documents", n)
		}
		return s, nil
	}
	dc := cfg.dynamoConfig()
	dc.AWS = awsCfg
	if cfg.CreateTable {
		cctx, cancel := context.WithTimeout(ctx, createTableTimeout)
		err := dynamo.CreateTable(cctx, dc)
		cancel()
		if err != nil {
			return nil, err
		}
	}
	return dynamo.Open(ctx, dc)
}

// reopenOnSIGHUP reopens the log file on SIGHUP (logrotate's postrotate).
// SIGHUP is caught even without a log file, so a stray HUP never kills the
// server.
func reopenOnSIGHUP(sink *logSink, logger *slog.Logger) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-hup:
				if sink.path == "" {
					continue
				}
				if err := sink.Reopen(); err != nil {
					logger.Error("log file not reopened; still writing to the old one", "error", err.Error())
				} else {
					logger.Info("log file reopened", "path", sink.path)
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		close(done)
	}
}
