/*
 * btyd_sim.h
 *		Seeded simulation of the BG/NBD, Pareto/NBD and Gamma-Gamma processes: random
 *		customers with known parameters, for the unit tests and benchmarks
 *		of the model core (src/core/btyd.h).  Not part of the server module.
 *
 * Pure computation, no allocation, no global state: the generator state
 * travels with the call.
 */
#ifndef DORMANCY_TEST_BTYD_SIM_H
#define DORMANCY_TEST_BTYD_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "btyd.h"
#include "paretonbd.h"

/* xoshiro256** state, seeded through splitmix64. */
typedef struct BtydRng
{
	uint64_t	s[4];
} BtydRng;

extern void btyd_rng_seed(BtydRng *rng, uint64_t seed);
extern uint64_t btyd_rng_next(BtydRng *rng);

/* Uniform on the open interval (0, 1). */
extern double btyd_rng_uniform(BtydRng *rng);

/* log of a Gamma(shape, rate 1) variate (safe for tiny shapes). */
extern double btyd_rng_log_gamma(BtydRng *rng, double shape);

/* Gamma(shape, rate 1) variate. */
extern double btyd_rng_gamma(BtydRng *rng, double shape);

/* Beta(a, b) variate. */
extern double btyd_rng_beta(BtydRng *rng, double a, double b);

/*
 * Simulate n customers of the BG/NBD process with ages uniform on
 * [T_min, T_max]: purchase rate lambda ~ Gamma(r, alpha), dropout
 * probability p ~ Beta(a, b); purchases arrive as a Poisson process of rate
 * lambda from the first one at time 0, and after each repeat purchase the
 * customer drops out with probability p.  Each out[i] gets count 1.
 */
extern void btyd_bgnbd_simulate(const BtydBgnbdParams *m, BtydRng *rng,
								size_t n, double T_min, double T_max,
								BtydBgnbdObs *out);

/*
 * Simulate n customers of the Pareto/NBD process with ages uniform on
 * [T_min, T_max]: purchase rate lambda ~ Gamma(r, alpha), dropout rate
 * mu ~ Gamma(s, beta); the customer is alive for an exponential time of
 * rate mu after the first purchase at time 0 and buys as a Poisson process
 * of rate lambda while alive.  Each out[i] gets count 1.
 */
extern void btyd_pareto_simulate(const BtydParetoParams *m, BtydRng *rng,
								 size_t n, double T_min, double T_max,
								 BtydBgnbdObs *out);

/*
 * Simulate mean spends for customers with the given frequencies under the
 * Gamma-Gamma model: nu ~ Gamma(q, v), each spend ~ Gamma(p, nu), so the
 * mean of x spends ~ Gamma(p x, x nu).  m_out[i] is 0 when x[i] = 0.
 */
extern void btyd_gg_simulate(const BtydGgParams *m, BtydRng *rng,
							 const double *x, size_t n, double *m_out);

#endif							/* DORMANCY_TEST_BTYD_SIM_H */
