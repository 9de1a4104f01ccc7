/*
 * btyd_sim.c
 *		Seeded simulation of the BG/NBD and Gamma-Gamma processes for the
 *		unit tests and benchmarks: a xoshiro256** generator, gamma and beta
 *		variates, and customers drawn with known parameters.
 *
 * Built only into the test and benchmark binaries (Makefile: TEST_LIB_SRCS),
 * never into the server module.  docs/models.md ("Simulation") describes it.
 */
#include "btyd_sim.h"

#include <math.h>

#define BTYD_PI 3.14159265358979323846

/* Most repeat purchases simulated per customer. */
#define SIM_MAX_PURCHASES 100000000

/* splitmix64, to spread a seed over the xoshiro state. */
static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t	z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Seed the generator. */
void
btyd_rng_seed(BtydRng *rng, uint64_t seed)
{
	int			i;

	for (i = 0; i < 4; i++)
		rng->s[i] = splitmix64(&seed);
}

/* Rotate left. */
static inline uint64_t
rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman & Vigna). */
uint64_t
btyd_rng_next(BtydRng *rng)
{
	uint64_t   *s = rng->s;
	uint64_t	result = rotl64(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

/* Uniform on (0, 1): the top 53 bits, offset by half a unit. */
double
btyd_rng_uniform(BtydRng *rng)
{
	return ((double) (btyd_rng_next(rng) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Standard normal by Box-Muller (one of the pair). */
static double
rng_normal(BtydRng *rng)
{
	double		u1 = btyd_rng_uniform(rng);
	double		u2 = btyd_rng_uniform(rng);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * BTYD_PI * u2);
}

/*
 * log of a Gamma(shape, 1) variate: Marsaglia & Tsang (2000) for shape >= 1;
 * below 1, Gamma(shape + 1) U^(1/shape), in logs so tiny shapes do not
 * underflow to 0.
 */
double
btyd_rng_log_gamma(BtydRng *rng, double shape)
{
	double		d;
	double		c;

	if (shape < 1.0)
		return btyd_rng_log_gamma(rng, shape + 1.0) + log(btyd_rng_uniform(rng)) / shape;
	d = shape - 1.0 / 3.0;
	c = 1.0 / sqrt(9.0 * d);
	for (;;)
	{
		double		x = rng_normal(rng);
		double		v = 1.0 + c * x;
		double		u;

		if (v <= 0.0)
			continue;
		v = v * v * v;
		u = btyd_rng_uniform(rng);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return log(d) + log(v);
	}
}

/* Gamma(shape, 1) variate. */
double
btyd_rng_gamma(BtydRng *rng, double shape)
{
	return exp(btyd_rng_log_gamma(rng, shape));
}

/* Beta(a, b) as X / (X + Y) for gamma variates X, Y, formed from their logs. */
double
btyd_rng_beta(BtydRng *rng, double a, double b)
{
	double		la = btyd_rng_log_gamma(rng, a);
	double		lb = btyd_rng_log_gamma(rng, b);

	return 1.0 / (1.0 + exp(lb - la));
}

/*
 * One customer's purchases after the first one at time 0: a Poisson process
 * of rate lambda up to `end`, and with `dropout` the customer leaves with
 * probability p after each repeat purchase.  Fills x and t_x of out, T and
 * count 1.
 */
static void
simulate_purchases(BtydRng *rng, double lambda, double end, bool dropout, double p,
				   double T, BtydBgnbdObs *out)
{
	double		t = 0.0;
	double		t_x = 0.0;
	long		x = 0;

	if (lambda > 0.0)
	{
		for (;;)
		{
			t += -log(btyd_rng_uniform(rng)) / lambda;
			if (t > end)
				break;
			x++;
			t_x = t;
			if ((dropout && btyd_rng_uniform(rng) < p) || x >= SIM_MAX_PURCHASES)
				break;
		}
	}
	out->x = (double) x;
	out->t_x = t_x;
	out->T = T;
	out->count = 1;
}

/* Simulate the BG/NBD process (see btyd.h). */
void
btyd_bgnbd_simulate(const BtydBgnbdParams *m, BtydRng *rng, size_t n,
					double T_min, double T_max, BtydBgnbdObs *out)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		double		T = T_min + (T_max - T_min) * btyd_rng_uniform(rng);
		double		lambda = exp(btyd_rng_log_gamma(rng, m->r)) / m->alpha;
		double		p = btyd_rng_beta(rng, m->a, m->b);

		simulate_purchases(rng, lambda, T, true, p, T, &out[i]);
	}
}

/* Simulate the Pareto/NBD process (see btyd_sim.h). */
void
btyd_pareto_simulate(const BtydParetoParams *m, BtydRng *rng, size_t n,
					 double T_min, double T_max, BtydBgnbdObs *out)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		double		T = T_min + (T_max - T_min) * btyd_rng_uniform(rng);
		double		lambda = exp(btyd_rng_log_gamma(rng, m->r)) / m->alpha;
		double		mu = exp(btyd_rng_log_gamma(rng, m->s)) / m->beta;
		double		lifetime = -log(btyd_rng_uniform(rng)) / mu;

		simulate_purchases(rng, lambda, fmin(T, lifetime), false, 0.0, T, &out[i]);
	}
}

/* Simulate Gamma-Gamma mean spends (see btyd.h). */
void
btyd_gg_simulate(const BtydGgParams *m, BtydRng *rng, const double *x,
				 size_t n, double *m_out)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		double		lnu;

		if (x[i] <= 0.0)
		{
			m_out[i] = 0.0;
			continue;
		}
		lnu = btyd_rng_log_gamma(rng, m->q) - log(m->v);
		m_out[i] = exp(btyd_rng_log_gamma(rng, m->p * x[i]) - lnu - log(x[i]));
	}
}
