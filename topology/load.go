package topology

import (
	"fmt"
	"strconv"
	"strings"
)

// Setting keys. Load looks each one up as DOCMETA_<PROFILE>_<KEY> first (for
// example DOCMETA_PROD_CERTIFICATE_ARN) and then as DOCMETA_<KEY>, so a value
// can be set for one profile or for all of them.
const (
	KeyRegion                = "REGION"
	KeyVPCCIDR               = "VPC_CIDR"
	KeyAZCount               = "AZ_COUNT"
	KeyInstanceType          = "INSTANCE_TYPE"
	KeyNATMode               = "NAT_MODE"
	KeyASGMin                = "ASG_MIN"
	KeyASGMax                = "ASG_MAX"
	KeyASGDesired            = "ASG_DESIRED"
	KeyInterfaceEndpoints    = "INTERFACE_ENDPOINTS"
	KeyEndpointAZCount       = "ENDPOINT_AZ_COUNT"
	KeyCertificateARN        = "CERTIFICATE_ARN"
	KeyAPIKeyParameter       = "API_KEYS_SSM_PARAMETER"
	KeyAPIKeyKMSKeyARN       = "API_KEYS_KMS_KEY_ARN"
	KeyStateBucket           = "STATE_BUCKET"
	KeyStateKeyPrefix        = "STATE_KEY_PREFIX"
	KeyStateRegion           = "STATE_REGION"
	KeyStateLockTable        = "STATE_LOCK_TABLE"
	KeyALBDeletionProtection = "ALB_DELETION_PROTECTION"
	KeyRootVolumeGiB         = "ROOT_VOLUME_GIB"
	KeyRootVolumeType        = "ROOT_VOLUME_TYPE"
	KeyScaleInProtection     = "SCALE_IN_PROTECTION"
	KeyTargetRequests        = "TARGET_REQUESTS_PER_INSTANCE"
	KeyHealthCheckGrace      = "HEALTH_CHECK_GRACE_SECONDS"
	KeyDeregistrationDelay   = "DEREGISTRATION_DELAY_SECONDS"
	KeyExportIADays          = "EXPORT_TRANSITION_IA_DAYS"
	KeyExportNoncurrentDays  = "EXPORT_NONCURRENT_EXPIRATION_DAYS"
	KeyEdge                  = "EDGE"
	KeyDomainNames           = "DOMAIN_NAMES"
	KeyWAF                   = "WAF"
	KeyWAFRateLimit          = "WAF_RATE_LIMIT"
	KeyAlertEmail            = "ALERT_EMAIL"
	KeyBudgetMonthlyUSD      = "BUDGET_MONTHLY_USD"
	KeyBudgetMarginPercent   = "BUDGET_MARGIN_PERCENT"
	// KeyListingShards is also the server's own variable
	// (DOCMETA_LISTING_SHARDS): the stacks pass the value to the service.
	KeyListingShards = "LISTING_SHARDS"
)

// keyRefusedDeletionProtection is refused, not ignored: set to "false" it
// reads as "unprotect the table", and the table is always protected (the
// teardown lifts it after a verified export).
const keyRefusedDeletionProtection = "DELETION_PROTECTION"

// keyRetiredStateKey was one state key: set for all profiles, every stack
// shared one state object.
const keyRetiredStateKey = "STATE_KEY"

// Keys lists every setting key Load reads, for documentation and tests.
var Keys = []string{
	KeyRegion, KeyVPCCIDR, KeyAZCount, KeyInstanceType, KeyNATMode,
	KeyASGMin, KeyASGMax, KeyASGDesired, KeyInterfaceEndpoints, KeyEndpointAZCount,
	KeyCertificateARN, KeyAPIKeyParameter, KeyAPIKeyKMSKeyARN, KeyStateBucket, KeyStateKeyPrefix, KeyStateRegion,
	KeyStateLockTable, KeyALBDeletionProtection, KeyRootVolumeGiB, KeyRootVolumeType,
	KeyScaleInProtection, KeyTargetRequests, KeyHealthCheckGrace, KeyDeregistrationDelay,
	KeyExportIADays, KeyExportNoncurrentDays, KeyEdge, KeyDomainNames, KeyWAF, KeyWAFRateLimit,
	KeyAlertEmail, KeyBudgetMonthlyUSD, KeyBudgetMarginPercent, KeyListingShards,
}

// EnvName is the profile-specific variable of a setting, e.g.
// DOCMETA_PROD_CERTIFICATE_ARN.
func EnvName(p Profile, key string) string {
	return "DOCMETA_" + strings.ToUpper(string(p)) + "_" + key
}

func (c Config) envName(key string) string {
	return EnvName(c.Profile, key) + " or DOCMETA_" + key
}

func (c Config) hint(key string) string {
	return strings.ToLower(strings.ReplaceAll(key, "_", " "))
}

// settingOf is a setting's value and the variable it came from: the
// profile-specific one first, then the shared one.
func settingOf(p Profile, lookup func(string) string, key string) (string, string) {
	if v := strings.TrimSpace(lookup(EnvName(p, key))); v != "" {
		return v, EnvName(p, key)
	}
	return strings.TrimSpace(lookup("DOCMETA_" + key)), "DOCMETA_" + key
}

// Load builds the configuration of a profile: its Defaults overridden by
// whatever lookup returns for the setting keys (the environment, cdktf
// context, or a map in tests), then validated. lookup returns "" for unset.
func Load(p Profile, lookup func(string) string) (Config, error) {
	c, err := Defaults(p)
	if err != nil {
		return Config{}, err
	}
	get := func(key string) (string, string) { return settingOf(p, lookup, key) }
	var errs []error
	str := func(key string, dst *string) {
		if v, _ := get(key); v != "" {
			*dst = v
		}
	}
	num := func(key string, dst *int) {
		if v, name := get(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: not a whole number", name, v))
				return
			}
			*dst = n
		}
	}
	flag := func(key string, dst *bool) {
		if v, name := get(key); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: want true or false", name, v))
				return
			}
			*dst = b
		}
	}

	str(KeyRegion, &c.Region)
	str(KeyVPCCIDR, &c.VPCCIDR)
	num(KeyAZCount, &c.AZCount)
	str(KeyInstanceType, &c.InstanceType)
	var nat string
	str(KeyNATMode, &nat)
	if nat != "" {
		c.NATMode = NATMode(nat)
	}
	num(KeyASGMin, &c.ASG.Min)
	num(KeyASGMax, &c.ASG.Max)
	num(KeyASGDesired, &c.ASG.Desired)
	list := func(key string, dst *[]string) {
		if v, _ := get(key); v != "" {
			*dst = nil
			for _, e := range strings.Split(v, ",") {
				if e = strings.TrimSpace(e); e != "" {
					*dst = append(*dst, e)
				}
			}
		}
	}
	list(KeyInterfaceEndpoints, &c.InterfaceEndpoints)
	num(KeyEndpointAZCount, &c.EndpointAZCount)
	str(KeyCertificateARN, &c.CertificateARN)
	str(KeyAPIKeyParameter, &c.APIKeyParameter)
	str(KeyAPIKeyKMSKeyARN, &c.APIKeyKMSKeyARN)
	var st RemoteState
	str(KeyStateBucket, &st.Bucket)
	str(KeyStateKeyPrefix, &st.KeyPrefix)
	str(KeyStateRegion, &st.Region)
	str(KeyStateLockTable, &st.LockTable)
	if st != (RemoteState{}) {
		c.RemoteState = &st
	}
	if v, name := get(keyRetiredStateKey); v != "" {
		errs = append(errs, fmt.Errorf("%s is no longer read: one key shared by every profile and region made their stacks share a state object; state keys are now <prefix>/<stack>.tfstate with the stack name carrying profile and region: set %s (default %q) instead", name, c.envName(KeyStateKeyPrefix), DefaultStateKeyPrefix))
	}
	flag(KeyALBDeletionProtection, &c.ALBDeletionProtection)
	if v, name := get(keyRefusedDeletionProtection); v != "" {
		errs = append(errs, fmt.Errorf("%s is not read: the table's deletion protection is always on (the teardown command lifts it after a verified export); for the load balancer set %s", name, c.envName(KeyALBDeletionProtection)))
	}
	num(KeyRootVolumeGiB, &c.RootVolume.SizeGiB)
	str(KeyRootVolumeType, &c.RootVolume.Type)
	flag(KeyScaleInProtection, &c.ScaleInProtection)
	num(KeyTargetRequests, &c.Scaling.TargetRequestsPerInstance)
	num(KeyHealthCheckGrace, &c.Scaling.HealthCheckGraceSeconds)
	num(KeyDeregistrationDelay, &c.Scaling.DeregistrationDelaySeconds)
	num(KeyExportIADays, &c.Export.TransitionToIADays)
	num(KeyExportNoncurrentDays, &c.Export.NoncurrentExpirationDays)
	var edge string
	str(KeyEdge, &edge)
	if edge != "" {
		c.Edge = Edge(edge)
	}
	list(KeyDomainNames, &c.DomainNames)
	flag(KeyWAF, &c.WAF)
	num(KeyWAFRateLimit, &c.WAFRateLimit)
	str(KeyAlertEmail, &c.AlertEmail)
	num(KeyBudgetMonthlyUSD, &c.BudgetMonthlyUSD)
	num(KeyBudgetMarginPercent, &c.BudgetMarginPercent)
	num(KeyListingShards, &c.Table.ListingShards)
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("invalid %s configuration:\n  %w", c.StackName(), joinIndented(errs))
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}
