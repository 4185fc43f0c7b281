# Clopper-Pearson interval of a binomial proportion: x successes in n trials.
# usage: awk -v x=X -v n=N [-v conf=0.95] -f clopper-pearson.awk
# prints "LO HI" (proportions, 0 to 1), or "- -" when n is 0.
# The exact interval: LO is the p at which P(X >= x) = (1 - conf) / 2, HI the p at which
# P(X <= x) = (1 - conf) / 2 (0 and 1 at the ends), each found by bisection on the binomial
# distribution summed in logs (no underflow at any n). Never narrower than asked: for 0 of
# 10 at 95% it gives [0, 0.3085], where 1 - 0.025^(1/10) = 0.3085.

# binomial P(X <= k) for n trials of probability p
function cdf(k, n, p,    i, lc, lp, lq, s) {
	if (k < 0)
		return 0
	if (k >= n || p <= 0)
		return 1
	if (p >= 1)
		return 0
	lp = log(p)
	lq = log(1 - p)
	lc = 0
	s = 0
	for (i = 0; i <= k; i++) {
		s += exp(lc + i * lp + (n - i) * lq)
		lc += log(n - i) - log(i + 1)
	}
	return s > 1 ? 1 : s
}

# the p in [0, 1] at which f(p) = target; up: f increases with p
function solve(which, x, n, target, up,    lo, hi, mid, f, i) {
	lo = 0
	hi = 1
	for (i = 0; i < 200; i++) {
		mid = (lo + hi) / 2
		f = which == "lower" ? 1 - cdf(x - 1, n, mid) : cdf(x, n, mid)
		if ((f < target) == up)
			lo = mid
		else
			hi = mid
	}
	return (lo + hi) / 2
}

BEGIN {
	if (conf == "")
		conf = 0.95
	x += 0
	n += 0
	if (n < 1 || x < 0 || x > n || x != int(x) || n != int(n) || conf <= 0 || conf >= 1) {
		print "- -"
		exit
	}
	a = (1 - conf) / 2
	lo = x == 0 ? 0 : solve("lower", x, n, a, 1)
	hi = x == n ? 1 : solve("upper", x, n, a, 0)
	printf "%.6g %.6g\n", lo, hi
}
