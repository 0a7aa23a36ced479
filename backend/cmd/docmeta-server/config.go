package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/backend/httpapi"
	"github.com/docmeta/docmeta/internal/awsconf"
)

// config is the server's whole configuration, parsed and validated once at
// start from flags and environment variables (a flag wins).
type config struct {
	Addr            string
	Store           string // storeBolt or storeDynamo
	DataDir         string
	Table           string
	Region          string
	Profile         string
	DynamoEndpoint  string
	ListingShards   int
	APIKeys         []string
	APIKeysSSMParam string
	SSMEndpoint     string
	AllowAnonymous  bool
	MaxUploadBytes  int64
	LogFile         string
	ShutdownTimeout time.Duration
	ReadTimeout     time.Duration
	UploadTimeout   time.Duration
	MinUploadRate   int64 // bytes per ReadTimeout
	IdleTimeout     time.Duration
	StoreTimeout    time.Duration
	IdempotencyTTL  time.Duration
	MaxUploads      int
	MaxConnections  int
	CreateTable     bool
	PrintVersion    bool
}

const (
	storeBolt   = "bolt"
	storeDynamo = "dynamodb"
)

// setting is one configuration value: its flag, its environment variable,
// its default and how to parse it into config. The table below is the one
// source of truth for the flags, the environment names, -help and the
// documentation (docs/CONFIGURATION.md).
type setting struct {
	flag, env, def, usage string
	boolFlag              bool
	// secret values are never echoed in error messages.
	secret bool
	parse  func(c *config, v string) error
}

var settings = []setting{
	{
		flag: "addr", env: "DOCMETA_ADDR", def: "127.0.0.1:8080",
		usage: "listen address host:port; 0.0.0.0:8080 behind a load balancer, port 0 picks a free port",
		parse: func(c *config, v string) error {
			_, port, err := net.SplitHostPort(v)
			if err != nil {
				return fmt.Errorf("not host:port (%v); use e.g. 127.0.0.1:8080 or 0.0.0.0:8080", err)
			}
			if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
				return errors.New("the port must be a number from 0 to 65535; use e.g. 127.0.0.1:8080")
			}
			c.Addr = v
			return nil
		},
	},
	{
		flag: "store", env: "DOCMETA_STORE", def: storeBolt,
		usage: "metadata store: bolt (embedded file in the data dir) or dynamodb",
		parse: func(c *config, v string) error {
			if v != storeBolt && v != storeDynamo {
				return errors.New("must be bolt or dynamodb")
			}
			c.Store = v
			return nil
		},
	},
	{
		flag: "data-dir", env: "DOCMETA_DATA_DIR", def: "./data",
		usage: "directory of the bolt store file docmeta.db (store bolt)",
		parse: func(c *config, v string) error {
			if v == "" {
				return errors.New("must not be empty; use e.g. ./data")
			}
			c.DataDir = v
			return nil
		},
	},
	{
		flag: "table", env: "DOCMETA_TABLE",
		usage: "DynamoDB table name (required with store dynamodb)",
		parse: func(c *config, v string) error { c.Table = v; return nil },
	},
	{
		flag: "region", env: "AWS_REGION",
		usage: "AWS region, e.g. us-east-1 (required with store dynamodb or an SSM parameter)",
		parse: func(c *config, v string) error { c.Region = v; return nil },
	},
	{
		flag: "profile", env: "AWS_PROFILE",
		usage: "profile of the shared AWS config and credentials files used for DynamoDB and SSM (empty: the SDK's default credential chain)",
		parse: func(c *config, v string) error { c.Profile = v; return nil },
	},
	{
		flag: "dynamodb-endpoint", env: "AWS_ENDPOINT_URL_DYNAMODB",
		usage: "DynamoDB endpoint override for local emulators, e.g. http://127.0.0.1:4567",
		parse: endpointInto(func(c *config) *string { return &c.DynamoEndpoint }),
	},
	{
		flag: "listing-shards", env: "DOCMETA_LISTING_SHARDS", def: strconv.Itoa(dynamo.DefaultListingShards),
		usage: "index partitions each day's documents spread over (store dynamodb); about 1,000 uploads/s fleet-wide per shard; may change at any restart",
		parse: func(c *config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("not a whole number; use 1 to %d", dynamo.MaxListingShards)
			}
			if err := dynamo.CheckListingShards(n); err != nil {
				return err
			}
			c.ListingShards = n
			return nil
		},
	},
	{
		flag: "api-keys", env: "DOCMETA_API_KEYS",
		usage:  "comma-separated API keys accepted as Authorization: Bearer <key> on /upload and /documents*",
		secret: true,
		parse: func(c *config, v string) error {
			keys, err := splitKeys(v)
			c.APIKeys = keys
			return err
		},
	},
	{
		flag: "api-keys-ssm-parameter", env: "DOCMETA_API_KEYS_SSM_PARAMETER",
		usage: "name of an SSM SecureString holding comma-separated API keys, read once at start",
		parse: func(c *config, v string) error { c.APIKeysSSMParam = v; return nil },
	},
	{
		flag: "ssm-endpoint", env: "AWS_ENDPOINT_URL_SSM",
		usage: "SSM endpoint override (tests, VPC endpoints with custom DNS)",
		parse: endpointInto(func(c *config) *string { return &c.SSMEndpoint }),
	},
	{
		flag: "allow-anonymous", env: "DOCMETA_ALLOW_ANONYMOUS", def: "false",
		usage:    "serve without API keys on a non-loopback address (true|false)",
		boolFlag: true,
		parse:    boolInto(func(c *config) *bool { return &c.AllowAnonymous }),
	},
	{
		flag: "max-upload-bytes", env: "DOCMETA_MAX_UPLOAD_BYTES", def: strconv.Itoa(httpapi.DefaultMaxUploadBytes),
		usage: "largest file accepted, in bytes (larger uploads get 413)",
		parse: func(c *config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 || n > 1<<40 {
				return errors.New("must be a whole number of bytes from 1 to 1099511627776; e.g. 104857600 for 100 MiB")
			}
			c.MaxUploadBytes = n
			return nil
		},
	},
	{
		flag: "log-file", env: "DOCMETA_LOG_FILE",
		usage: "also write logs to this file (appended; reopened on SIGHUP for logrotate)",
		parse: func(c *config, v string) error { c.LogFile = v; return nil },
	},
	{
		flag: "shutdown-timeout", env: "DOCMETA_SHUTDOWN_TIMEOUT", def: "25s",
		usage: "on SIGTERM/SIGINT, how long in-flight requests may take to finish",
		parse: durationInto(func(c *config) *time.Duration { return &c.ShutdownTimeout }),
	},
	{
		flag: "read-timeout", env: "DOCMETA_READ_TIMEOUT", def: httpapi.DefaultReadTimeout.String(),
		usage: "time to receive a request head; also the window of the minimum upload rate",
		parse: durationInto(func(c *config) *time.Duration { return &c.ReadTimeout }),
	},
	{
		flag: "upload-timeout", env: "DOCMETA_UPLOAD_TIMEOUT", def: httpapi.DefaultUploadTimeout.String(),
		usage: "longest time to receive one upload body",
		parse: durationInto(func(c *config) *time.Duration { return &c.UploadTimeout }),
	},
	{
		flag: "min-upload-rate", env: "DOCMETA_MIN_UPLOAD_RATE", def: strconv.Itoa(httpapi.DefaultMinUploadRate),
		usage: "bytes an upload body must deliver per read timeout; a slower upload is cut with 400",
		parse: func(c *config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 || n > 1<<30 {
				return errors.New("must be a whole number of bytes from 1 to 1073741824; e.g. 1024 for 1 KiB per read timeout")
			}
			c.MinUploadRate = n
			return nil
		},
	},
	{
		flag: "idle-timeout", env: "DOCMETA_IDLE_TIMEOUT", def: httpapi.DefaultIdleTimeout.String(),
		usage: "keep-alive idle time; keep it above the load balancer's (ALB: 60s)",
		parse: durationInto(func(c *config) *time.Duration { return &c.IdleTimeout }),
	},
	{
		flag: "store-timeout", env: "DOCMETA_STORE_TIMEOUT", def: httpapi.DefaultStoreTimeout.String(),
		usage: "longest one store call may take before the request gets 503",
		parse: durationInto(func(c *config) *time.Duration { return &c.StoreTimeout }),
	},
	{
		flag: "idempotency-ttl", env: "DOCMETA_IDEMPOTENCY_TTL", def: backend.DefaultIdempotencyTTL.String(),
		usage: "how long an upload's Idempotency-Key is remembered",
		parse: durationInto(func(c *config) *time.Duration { return &c.IdempotencyTTL }),
	},
	{
		flag: "max-concurrent-uploads", env: "DOCMETA_MAX_CONCURRENT_UPLOADS", def: strconv.Itoa(httpapi.DefaultMaxConcurrentUploads),
		usage: "uploads received at once; past it an upload gets 503 with Retry-After, its body unread",
		parse: intInto(func(c *config) *int { return &c.MaxUploads }, 1<<20, "512"),
	},
	{
		flag: "max-connections", env: "DOCMETA_MAX_CONNECTIONS", def: strconv.Itoa(httpapi.DefaultMaxConnections),
		usage: "open client connections, idle or busy; past it a new connection gets 503 and is closed",
		parse: intInto(func(c *config) *int { return &c.MaxConnections }, 1<<22, "4096"),
	},
	{
		flag: "create-table", env: "DOCMETA_CREATE_TABLE", def: "false",
		usage:    "create the DynamoDB table if missing (local emulators only; in AWS the stack owns it)",
		boolFlag: true,
		parse:    boolInto(func(c *config) *bool { return &c.CreateTable }),
	},
}

func boolInto(field func(*config) *bool) func(*config, string) error {
	return func(c *config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errors.New("must be true or false")
		}
		*field(c) = b
		return nil
	}
}

func durationInto(field func(*config) *time.Duration) func(*config, string) error {
	return func(c *config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return errors.New("must be a positive duration such as 30s or 2m")
		}
		*field(c) = d
		return nil
	}
}

// intInto parses a whole number from 1 to max into a config field.
func intInto(field func(*config) *int, max int, example string) func(*config, string) error {
	return func(c *config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > max {
			return fmt.Errorf("must be a whole number from 1 to %d, e.g. %s", max, example)
		}
		*field(c) = n
		return nil
	}
}

// endpointInto applies awsconf's endpoint rule at parse time, so a bad
// endpoint is reported as a configuration mistake naming its setting.
func endpointInto(field func(*config) *string) func(*config, string) error {
	return func(c *config, v string) error {
		if awsconf.CheckEndpoint(v) != nil {
			return errors.New("must be an http(s) URL such as http://127.0.0.1:4567")
		}
		*field(c) = v
		return nil
	}
}

// splitKeys reads a comma- or newline-separated key list.
func splitKeys(v string) ([]string, error) {
	var keys []string
	for _, k := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if strings.ContainsAny(k, " \t") {
			return nil, errors.New("a key contains a space; separate keys with commas only")
		}
		if len(k) < httpapi.MinAPIKeyBytes {
			return nil, fmt.Errorf("key %d is %d characters long; keys must have at least %d (generate one with: openssl rand -hex 24)", len(keys)+1, len(k), httpapi.MinAPIKeyBytes)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// usageError is a configuration mistake, reported in one line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// parseConfig reads flags from args and variables through getenv. Every
// mistake yields one line naming the variable, the flag and the fix.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("docmeta-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	values := make(map[string]*string, len(settings))
	for _, s := range settings {
		v := new(string)
		values[s.flag] = v
		usage := fmt.Sprintf("%s (env %s, default %q)", s.usage, s.env, s.def)
		if s.boolFlag {
			// The bare form, -allow-anonymous, means true.
			fs.Var(boolValue{v}, s.flag, usage)
		} else {
			fs.StringVar(v, s.flag, "", usage)
		}
	}
	fs.BoolVar(&c.PrintVersion, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, &usageError{fmt.Sprintf("bad command line: %v (see -help)", err)}
	}
	if fs.NArg() > 0 {
		return c, &usageError{fmt.Sprintf("unexpected argument %q: docmeta-server takes flags only (see -help)", fs.Arg(0))}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, s := range settings {
		v, from := s.def, "default"
		if set[s.flag] {
			v, from = *values[s.flag], "flag -"+s.flag
		} else if e := getenv(s.env); e != "" {
			v, from = e, s.env
		}
		if err := s.parse(&c, strings.TrimSpace(v)); err != nil {
			shown := fmt.Sprintf("%q", v)
			if s.secret {
				shown = "(value hidden)"
			}
			return c, &usageError{fmt.Sprintf("%s=%s (from %s) is invalid: %v; fix %s or -%s", s.env, shown, from, err, s.env, s.flag)}
		}
		if s.flag == "api-keys" && from != "default" && len(c.APIKeys) == 0 {
			// "," or " " would otherwise mean "no keys", silently.
			return c, &usageError{fmt.Sprintf("%s (from %s) is set but holds no key; set comma-separated keys of at least %d characters, or unset it", s.env, from, httpapi.MinAPIKeyBytes)}
		}
	}
	return c, c.validate()
}

// validate checks rules that involve several settings.
func (c *config) validate() error {
	if c.Store == storeDynamo {
		if c.Region == "" {
			return &usageError{"DOCMETA_STORE=dynamodb needs AWS_REGION (or -region), e.g. AWS_REGION=us-east-1"}
		}
		if c.Table == "" {
			return &usageError{"DOCMETA_STORE=dynamodb needs DOCMETA_TABLE (or -table): the name of the table the stack created"}
		}
	}
	if c.APIKeysSSMParam != "" && c.Region == "" {
		return &usageError{"DOCMETA_API_KEYS_SSM_PARAMETER needs AWS_REGION (or -region), e.g. AWS_REGION=us-east-1"}
	}
	if c.CreateTable && c.Store != storeDynamo {
		return &usageError{"-create-table (DOCMETA_CREATE_TABLE) only applies to DOCMETA_STORE=dynamodb"}
	}
	if c.MaxConnections < c.MaxUploads {
		return &usageError{fmt.Sprintf("DOCMETA_MAX_CONNECTIONS (%d) is below DOCMETA_MAX_CONCURRENT_UPLOADS (%d): every upload needs a connection; raise DOCMETA_MAX_CONNECTIONS", c.MaxConnections, c.MaxUploads)}
	}
	if c.UploadTimeout < c.ReadTimeout {
		return &usageError{fmt.Sprintf("DOCMETA_UPLOAD_TIMEOUT (%s) is shorter than DOCMETA_READ_TIMEOUT (%s); raise DOCMETA_UPLOAD_TIMEOUT", c.UploadTimeout, c.ReadTimeout)}
	}
	// Keys may still arrive from SSM; the anonymous rule is checked again
	// once they are loaded (see checkAnonymous).
	if c.APIKeysSSMParam == "" {
		return c.checkAnonymous()
	}
	return nil
}

// checkAnonymous refuses to serve without keys on an address other hosts
// can reach, unless the operator explicitly allowed it.
func (c *config) checkAnonymous() error {
	if len(c.APIKeys) > 0 || c.AllowAnonymous || isLoopbackAddr(c.Addr) {
		return nil
	}
	return &usageError{fmt.Sprintf("DOCMETA_ADDR=%s is not a loopback address and no API keys are configured: set DOCMETA_API_KEYS (or DOCMETA_API_KEYS_SSM_PARAMETER), or DOCMETA_ALLOW_ANONYMOUS=true to serve without keys", c.Addr)}
}

func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// boolValue lets a string-backed flag be given bare (-allow-anonymous).
type boolValue struct{ p *string }

func (b boolValue) String() string {
	if b.p == nil {
		return ""
	}
	return *b.p
}
func (b boolValue) Set(s string) error { *b.p = s; return nil }
func (b boolValue) IsBoolFlag() bool   { return true }
