package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// logFlushInterval bounds how long a log line may sit in the buffer. Access
// lines are buffered so that a busy server makes one write per interval,
// not one or two per request; a crash loses at most this much of the log.
const logFlushInterval = 100 * time.Millisecond

// logSink is the log output: stdout always, plus an optional file that
// Reopen replaces (logrotate renames the file, then sends SIGHUP).
type logSink struct {
	mu     sync.Mutex
	stdout io.Writer
	path   string
	file   *os.File
	buf    *bufio.Writer
	stop   chan struct{}
	done   chan struct{}
}

// openLogSink opens path (if not empty) for appending and starts the
// periodic flush. A file that cannot be opened is a startup error.
func openLogSink(stdout io.Writer, path string) (*logSink, error) {
	s := &logSink{stdout: stdout, path: path, stop: make(chan struct{}), done: make(chan struct{})}
	if path != "" {
		f, err := openLogFile(path)
		if err != nil {
			return nil, err
		}
		s.file = f
	}
	s.buf = bufio.NewWriterSize(s.target(), 64<<10)
	go s.flushLoop()
	return s, nil
}

func openLogFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("DOCMETA_LOG_FILE=%s cannot be opened for appending (%v): create its directory and give the server user write access, or unset DOCMETA_LOG_FILE to log to stdout only", path, err)
	}
	return f, nil
}

func (s *logSink) target() io.Writer {
	if s.file == nil {
		return s.stdout
	}
	return io.MultiWriter(s.stdout, s.file)
}

// Write buffers p; slog writes one whole line per call.
func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// Flush writes out buffered lines.
func (s *logSink) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Flush()
}

// Reopen flushes, closes the log file and opens the path again, so that
// after logrotate renamed the file, new lines go to a new file. On error
// the old file stays in use.
func (s *logSink) Reopen() error {
	if s.path == "" {
		return nil
	}
	f, err := openLogFile(s.path)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	flushErr := s.buf.Flush()
	old := s.file
	s.file = f
	s.buf.Reset(s.target())
	if err := old.Close(); err != nil && flushErr == nil {
		flushErr = err
	}
	return flushErr
}

func (s *logSink) flushLoop() {
	defer close(s.done)
	t := time.NewTicker(logFlushInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = s.Flush()
		case <-s.stop:
			return
		}
	}
}

// Close flushes and closes the file.
func (s *logSink) Close() error {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.buf.Flush()
	if s.file != nil {
		if cerr := s.file.Close(); err == nil {
			err = cerr
		}
		s.file = nil
		s.buf.Reset(s.stdout)
	}
	return err
}
