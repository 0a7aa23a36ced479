package cost

import "testing"

func TestObservedPricesComeFromTheTable(t *testing.T) {
	tbl := shipped(t)
	p, err := tbl.ObservedPrices()
	if err != nil {
		t.Fatal(err)
	}
	for key, got := range map[string]float64{PriceNATHour: p.NATHour, PriceNATGB: p.NATPerGB, PriceInterfaceEndpointAZHour: p.EndpointAZHour} {
		if want, _ := tbl.Lookup(key); got != want.USD || got == 0 {
			t.Errorf("%s = %v, table says %v", key, got, want.USD)
		}
	}
	if _, err := (PriceTable{Region: "xx-test-1"}).ObservedPrices(); err == nil {
		t.Error("a table without NAT prices gave observed prices")
	}
}

func TestPriceDay(t *testing.T) {
	p := ObservedPrices{NATHour: 0.045, NATPerGB: 0.045, EndpointAZHour: 0.01}
	// 24 NAT hours (1.08) + 10 GB (0.45); 2 endpoint AZs x 24 h (0.48).
	nat, ep := p.PriceDay(1, 2, 10e9)
	if !near(nat, 1.53) || !near(ep, 0.48) {
		t.Errorf("PriceDay(1, 2, 10 GB) = %v, %v; want 1.53, 0.48", nat, ep)
	}
	// A quiet day still pays the hours; a stack without NAT or endpoints
	// pays nothing here.
	if nat, _ := p.PriceDay(1, 0, 0); !near(nat, 1.08) {
		t.Errorf("quiet day NAT %v, want 1.08", nat)
	}
	if nat, ep := p.PriceDay(0, 0, 0); nat != 0 || ep != 0 {
		t.Errorf("nothing deployed: %v, %v", nat, ep)
	}
}
