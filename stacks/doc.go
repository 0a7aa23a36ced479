// Package stacks holds the cdktf constructs of the docmeta AWS topology, one
// construct per concern (network, endpoints, security groups, table,
// artifacts, IAM, load balancer, compute, outputs, exports), assembled into a
// stack per profile by NewDeployment. Every value comes from a validated
// topology.Config; this package and main.go are the only places that import
// cdktf or jsii, so a later move off cdktf stays contained.
package stacks
