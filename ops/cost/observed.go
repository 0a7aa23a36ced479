package cost

// ObservedPrices are the unit prices a deployed stack's measured spend is
// priced with: what the console shows beside the model comes from the same
// table as the model.
type ObservedPrices struct {
	NATHour        float64
	NATPerGB       float64
	EndpointAZHour float64
}

// ObservedPrices picks the NAT and interface-endpoint prices from the table.
func (t PriceTable) ObservedPrices() (ObservedPrices, error) {
	var p ObservedPrices
	for _, f := range []struct {
		key string
		dst *float64
	}{{PriceNATHour, &p.NATHour}, {PriceNATGB, &p.NATPerGB}, {PriceInterfaceEndpointAZHour, &p.EndpointAZHour}} {
		price, err := t.Lookup(f.key)
		if err != nil {
			return ObservedPrices{}, err
		}
		*f.dst = price.USD
	}
	return p, nil
}

// PriceDay prices one UTC day of a deployed stack: natGateways gateways
// billed for 24 hours plus natBytes of data through them, and endpointAZs
// interface-endpoint AZs billed for 24 hours. A day without traffic still
// pays the hours.
func (p ObservedPrices) PriceDay(natGateways, endpointAZs int, natBytes float64) (natUSD, endpointUSD float64) {
	natUSD = float64(natGateways)*24*p.NATHour + natBytes/1e9*p.NATPerGB
	endpointUSD = float64(endpointAZs) * 24 * p.EndpointAZHour
	return natUSD, endpointUSD
}
