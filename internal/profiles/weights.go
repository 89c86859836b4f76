package profiles

import "math"

// NormalizeWeights divides the weights by their sum, so that they add up to 1 and a
// score stays in [0, 1] (SPEC §5). A valid tender's weights are never negative and
// have a positive, finite sum; for weights that ValidateTender rejects it returns the
// normalised DefaultWeights, so that the engine never divides by zero.
func NormalizeWeights(w Weights) Weights {
	sum := weightSum(w)
	if !(sum > 0) || math.IsInf(sum, 0) || w.Coverage < 0 || w.Diversity < 0 || w.Trust < 0 || w.Inclusion < 0 {
		w = DefaultWeights
		sum = weightSum(w)
	}
	return Weights{
		Coverage:  w.Coverage / sum,
		Diversity: w.Diversity / sum,
		Trust:     w.Trust / sum,
		Inclusion: w.Inclusion / sum,
	}
}

func weightSum(w Weights) float64 { return w.Coverage + w.Diversity + w.Trust + w.Inclusion }
