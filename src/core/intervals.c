/*
 * intervals.c
 *		Per-customer 95% intervals of the forecasts from the uncertainty of
 *		the parameters, by the delta method (see intervals.h and
 *		docs/models.md, "Intervals of the forecasts").
 */
#include "intervals.h"

#include <math.h>
#include <string.h>

/* Step in the log-parameters of the numerical gradients. */
#define GRAD_STEP 1e-3

/* What a forecast function needs besides the parameters. */
typedef struct ForecastArg
{
	BtydPurchaseModel model;
	double		x;
	double		t_x;
	double		T;
	double		t;
	double		m;
	double		m_days;			/* Gamma-Gamma's x: m's repeat days */
} ForecastArg;

/* The model of a parameter vector. */
static void
to_bgnbd(const double *p, BtydBgnbdParams *bg)
{
	bg->r = p[0];
	bg->alpha = p[1];
	bg->a = p[2];
	bg->b = p[3];
}

static void
to_pareto(const double *p, BtydParetoParams *pn)
{
	pn->r = p[0];
	pn->alpha = p[1];
	pn->s = p[2];
	pn->beta = p[3];
}

/* P(alive) under the model. */
static double
p_alive_at(const double *p, const ForecastArg *a)
{
	if (a->model == BTYD_MODEL_BGNBD)
	{
		BtydBgnbdParams bg;

		to_bgnbd(p, &bg);
		return btyd_bgnbd_p_alive(&bg, a->x, a->t_x, a->T);
	}
	else
	{
		BtydParetoParams pn;

		to_pareto(p, &pn);
		return btyd_pareto_p_alive(&pn, a->x, a->t_x, a->T);
	}
}

/* Expected purchases in the next t under the model. */
static double
expected_at(const double *p, const ForecastArg *a)
{
	if (a->model == BTYD_MODEL_BGNBD)
	{
		BtydBgnbdParams bg;

		to_bgnbd(p, &bg);
		return btyd_bgnbd_expected(&bg, a->t, a->x, a->t_x, a->T);
	}
	else
	{
		BtydParetoParams pn;

		to_pareto(p, &pn);
		return btyd_pareto_expected(&pn, a->t, a->x, a->t_x, a->T);
	}
}

/* The log-odds of P(alive). */
static double
logit_p_alive(const double *p, const void *arg)
{
	double		v = p_alive_at(p, (const ForecastArg *) arg);

	return log(v) - log1p(-v);
}

/* The logarithm of the expected purchases. */
static double
log_expected(const double *p, const void *arg)
{
	return log(expected_at(p, (const ForecastArg *) arg));
}

/* The logarithm of the Gamma-Gamma expected spend per transaction. */
static double
log_spend(const double *p, const void *arg)
{
	const ForecastArg *a = (const ForecastArg *) arg;
	BtydGgParams gg = {p[0], p[1], p[2]};

	return log(btyd_gg_expected_spend(&gg, a->m_days, a->m));
}

bool
btyd_log_gradient(BtydParamFn f, const void *arg, const double *params, int np,
				  double h, double *grad)
{
	double		q[4];
	int			k;

	for (k = 0; k < np; k++)
	{
		double		f1p;
		double		f1m;
		double		f2p;
		double		f2m;

		memcpy(q, params, sizeof(double) * np);
		q[k] = params[k] * exp(h);
		f1p = f(q, arg);
		q[k] = params[k] * exp(-h);
		f1m = f(q, arg);
		q[k] = params[k] * exp(2.0 * h);
		f2p = f(q, arg);
		q[k] = params[k] * exp(-2.0 * h);
		f2m = f(q, arg);
		if (!(isfinite(f1p) && isfinite(f1m) && isfinite(f2p) && isfinite(f2m)))
			return false;
		grad[k] = (8.0 * (f1p - f1m) - (f2p - f2m)) / (12.0 * h);
	}
	return true;
}

double
btyd_delta_variance(const double *grad, const double *log_cov, int np)
{
	double		v = 0.0;
	int			i;
	int			j;

	for (i = 0; i < np; i++)
		for (j = 0; j < np; j++)
			v += grad[i] * log_cov[i * np + j] * grad[j];
	return v;
}

bool
btyd_log_covariance(const double *params, const double *cov, int np, double *log_cov)
{
	int			i;
	int			j;

	for (i = 0; i < np; i++)
	{
		if (!(isfinite(params[i]) && params[i] > 0.0))
			return false;
		if (!(cov[i * np + i] >= 0.0))
			return false;
	}
	for (i = 0; i < np; i++)
		for (j = 0; j < np; j++)
		{
			double		c = cov[i * np + j];
			double		d = cov[j * np + i];

			if (!isfinite(c) || fabs(c - d) > 1e-9 * fmax(fabs(c), fabs(d)))
				return false;
			log_cov[i * np + j] = c / (params[i] * params[j]);
			if (!isfinite(log_cov[i * np + j]))
				return false;
		}
	return true;
}

/*
 * The interval of a forecast f (on its unbounded scale) at params: center
 * +- z sd, or NaN bounds when the gradient or variance cannot be had.
 */
static bool
scale_interval(BtydParamFn f, const void *arg, const double *params, const double *log_cov,
			   int np, double *lo, double *hi, double *var_out)
{
	double		grad[4];
	double		center;
	double		var;

	center = f(params, arg);
	if (!isfinite(center) || !btyd_log_gradient(f, arg, params, np, GRAD_STEP, grad))
		return false;
	var = btyd_delta_variance(grad, log_cov, np);
	if (!(var >= 0.0 && isfinite(var)))
		return false;
	*lo = center - BTYD_Z95 * sqrt(var);
	*hi = center + BTYD_Z95 * sqrt(var);
	if (var_out)
		*var_out = var;
	return true;
}

/* The logistic function, without overflow. */
static double
expit(double z)
{
	if (z >= 0.0)
		return 1.0 / (1.0 + exp(-z));
	return exp(z) / (1.0 + exp(z));
}

static void
set_none(BtydInterval *iv)
{
	iv->value = iv->low = iv->high = NAN;
	iv->ok = false;
}

void
btyd_forecast_intervals(BtydPurchaseModel model, const double *params,
						const double *cov, const BtydGgParams *gg,
						const double *gg_cov, double x, double t_x, double T,
						double m, double m_days, double t, BtydForecastIntervals *out)
{
	ForecastArg arg = {model, x, t_x, T, t, m_days > 0.0 ? m : 0.0, m_days};
	double		log_cov[16];
	double		gg_log_cov[9];
	bool		have_cov;
	double		lo;
	double		hi;
	double		var_e = NAN;
	double		spend = NAN;

	set_none(&out->p_alive);
	set_none(&out->expected);
	set_none(&out->value);
	have_cov = cov != NULL && btyd_log_covariance(params, cov, 4, log_cov);

	/* P(alive), on the log-odds scale */
	out->p_alive.value = p_alive_at(params, &arg);
	if (!(out->p_alive.value >= 0.0 && out->p_alive.value <= 1.0))
		return;
	out->p_alive.ok = true;
	if (!have_cov)
		;
	else if (out->p_alive.value == 1.0 || out->p_alive.value == 0.0)
		out->p_alive.low = out->p_alive.high = out->p_alive.value;
	else if (have_cov && scale_interval(logit_p_alive, &arg, params, log_cov, 4, &lo, &hi, NULL))
	{
		out->p_alive.low = expit(lo);
		out->p_alive.high = expit(hi);
	}

	/* expected purchases, on the log scale */
	out->expected.value = expected_at(params, &arg);
	if (!(isfinite(out->expected.value) && out->expected.value >= 0.0))
		return;
	out->expected.ok = true;
	if (!have_cov)
		;
	else if (out->expected.value == 0.0)
	{
		out->expected.low = out->expected.high = 0.0;
		var_e = 0.0;
	}
	else if (scale_interval(log_expected, &arg, params, log_cov, 4, &lo, &hi, &var_e))
	{
		out->expected.low = exp(lo);
		out->expected.high = exp(hi);
	}

	/* expected value = purchases x spend, log scale; the two fits are independent */
	if (gg == NULL || !(gg->p * m_days + gg->q > 1.0))
		return;
	spend = btyd_gg_expected_spend(gg, m_days, arg.m);
	out->value.value = out->expected.value * spend;
	if (!(isfinite(spend) && isfinite(out->value.value)))
	{
		out->value.value = NAN;
		return;
	}
	out->value.ok = true;
	if (out->value.value == 0.0)
	{
		if (isfinite(out->expected.low) && gg_cov != NULL)
			out->value.low = out->value.high = 0.0;
		return;
	}
	if (isfinite(var_e) && gg_cov != NULL)
	{
		double		ggp[3] = {gg->p, gg->q, gg->v};
		double		var_s;

		if (btyd_log_covariance(ggp, gg_cov, 3, gg_log_cov) &&
			scale_interval(log_spend, &arg, ggp, gg_log_cov, 3, &lo, &hi, &var_s))
		{
			double		center = log(out->value.value);
			double		sd = sqrt(var_e + var_s);

			out->value.low = exp(center - BTYD_Z95 * sd);
			out->value.high = exp(center + BTYD_Z95 * sd);
		}
	}
}
