package main

import (
	"flag"
	"fmt"
)

// usage is --help: what the console is, its keys, examples, then the flags.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, `docmeta-console: the operator console of a docmeta server or a deployed stack.

Views (keys 1-4, tab / shift+tab):
  1 Documents  uploaded documents, newest first
  2 Fleet      local /status, or the Auto Scaling Group joined with target health
  3 Costs      the cost model beside the seed; AWS mode adds observed NAT/endpoint spend
  4 Health     AWS mode: ALB, target and DynamoDB metrics of the last 3h, scaling activities

Keys:
  ?            full help (every key of the view)     q, ctrl+c   quit
  r            refresh the view now                  tab         next view
  up/down j/k  select / scroll                       enter       details of the selected row
  y            copy the selected ID (OSC 52)         esc         close details / clear the filter
  n / p        next / previous page (Documents)      /           filter the page (Documents)

The header shows when the view last refreshed successfully and how old that
is; "PARTIAL" names the calls that failed when the rest of a refresh answered,
"STALE" marks a view whose last refresh brought nothing back (the status line
says why).

Examples:
  docmeta-console                                     # local server on 127.0.0.1:8080
  docmeta-console --url http://host:8080 --api-key KEY
  docmeta-console --outputs outputs.json --profile ops    # a deployed stack
  docmeta-console --outputs outputs.json --interval 30s --costs-interval 0 --debug-log /tmp/console.log

Flags:
`)
	fs.PrintDefaults()
}
