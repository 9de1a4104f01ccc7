/*
 * specfun.h
 *		Special functions of the BTYD models: digamma, differences of
 *		log-gamma and of digamma without cancellation, and the Gauss
 *		hypergeometric function 2F1 (and its "excess" form) for real
 *		arguments.
 *
 * Pure computation, no PostgreSQL headers, no allocation, no global state.
 * The methods and their validation are described in docs/models.md.
 */
#ifndef DORMANCY_CORE_SPECFUN_H
#define DORMANCY_CORE_SPECFUN_H

/* Digamma psi(x) = d/dx log Gamma(x); NaN at 0 and negative integers. */
extern double btyd_digamma(double x);

/* log Gamma(z + d) - log Gamma(z) for z > 0, d >= 0, without cancellation. */
extern double btyd_lgamma_diff(double z, double d);

/* psi(z + d) - psi(z) for z > 0, d >= 0, without cancellation. */
extern double btyd_digamma_diff(double z, double d);

/*
 * Gauss hypergeometric function 2F1(a, b; c; z) for real parameters and real
 * z <= 1 (c not 0 or a negative integer; at z = 1 only when c - a - b > 0).
 * Returns NaN outside that domain or if no method converges.  Validated to
 * about 1e-12 relative for |a|, |b| <= 30, 0 < c <= 50 except where a
 * parameter below about -15 meets z far from 0, and for the parameter
 * patterns of the BG/NBD predictions (docs/models.md).
 */
extern double btyd_hyp2f1(double a, double b, double c, double z);

/*
 * The "excess" (c / b) * (2F1(a, b; c; z) - 1), i.e. the series
 * sum_{n>=1} (a)_n (b+1)_{n-1} / ((c+1)_{n-1} n!) z^n, which stays finite and
 * accurate as b -> 0 or c -> 0 (c not a negative integer), for z < 1.
 */
extern double btyd_hyp2f1_excess(double a, double b, double c, double z);

#endif							/* DORMANCY_CORE_SPECFUN_H */
