package dynamo

// Internals the external tests (package dynamo_test) check against.
const (
	MaxListQueries         = maxListQueries
	LegacyRegisterIDPrefix = legacyRegisterIDPrefix
)

// ShardOf is the listing shard of id among n.
var ShardOf = shardOf
