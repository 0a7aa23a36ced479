// Package topology is the plain-Go description of a docmeta deployment: one
// validated Config per profile (dev, prod, seed). The cdktf constructs in
// stacks/ build their resources from it, and the cost model and the operator
// console read the same values through Footprint, so an estimate cannot drift
// from what is deployed. The package deliberately imports nothing from jsii or
// cdktf: it must stay cheap to import and usable without Node.
package topology
