#!/usr/bin/env python3
"""Reference values of the BG/NBD predictions, computed independently.

Writes test/data/bgnbd_reference.csv: for a grid of models and customers,
P(alive), the conditional expected purchases E[Y(t) | x, t_x, T] and the
unconditional E[X(t)], straight from the closed forms of Fader, Hardie & Lee
(2005), eqs. 9, 10 and 13, evaluated with mpmath's hyp2f1 at 60 significant
digits.  Every value is recomputed at 90 digits and must agree to 1e-25 (at
30 digits mpmath's hyp2f1 is wrong in the fourth digit for some large
parameters, so the agreement check is not a formality).

This is the reference the SQL tests (sql/models.sql) compare the extension's
functions with; the C unit tests use their own independent checks
(quadrature of the posterior).  Needs only mpmath (python3-mpmath):

    python3 test/unit/gen_reference.py > test/data/bgnbd_reference.csv

With --large-shapes it prints instead the references of test_large_beta_shapes
in test/unit/test_btyd.c (issue 10 item 4: large beta shapes, where the
extension's series route gave NaN), each computed two ways that must agree:
eq. 10 through mpmath's hyp2f1 at 60 digits, and the posterior integral
E[(1 - (1 + p s)^-(r+x)) / p], p ~ Beta(a, b+x), by mpmath's quadrature at
50 digits.
"""

import sys

import mpmath as mp

MODELS = [
    # r, alpha, a, b
    (0.243, 4.414, 0.793, 2.426),   # CDNOW, published
    (2.0, 10.0, 3.0, 0.5),
    (0.05, 0.1, 0.2, 20.0),
    (50.0, 200.0, 1.0, 0.7),        # a = 1: the closed form is 0/0, taken as a limit
    (0.5, 2.0, 0.3, 0.4),           # a + b - 1 < 0
]

CUSTOMERS = [
    # x, t_x, T
    (0, 0.0, 0.0),
    (0, 0.0, 38.86),
    (2, 30.43, 38.86),
    (1, 1.71, 38.86),
    (29, 38.0, 38.86),
    (10000, 99990.0, 100000.0),
    (10000, 10.0, 100000.0),
    (0, 0.0, 100000.0),
    (1, 0.5, 1.0),
    (5, 500.0, 100000.0),
]

TIMES = [1.0, 39.0, 520.0, 100000.0]


def hyp2f1(a, b, c, z):
    """mpmath's 2F1, or Euler's (1-z)^(c-a-b) 2F1(c-a, c-b; c; z) where its
    series is too slow (frequency 10,000), as lifetimes does."""
    try:
        return mp.hyp2f1(a, b, c, z, maxterms=10**6)
    except mp.libmp.NoConvergence:
        return (1 - z) ** (c - a - b) * mp.hyp2f1(c - a, c - b, c, z, maxterms=10**6)


def p_alive(r, alpha, a, b, x, t_x, T):
    """Eq. 13: 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))."""
    if x == 0:
        return mp.mpf(1)
    return 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))


def expected(r, alpha, a, b, x, t_x, T, t):
    """Eq. 10, with a = 1 taken as the average of a = 1 -/+ 1e-30."""
    if a == 1:
        eps = mp.mpf(10) ** -30
        return (expected(r, alpha, a - eps, b, x, t_x, T, t)
                + expected(r, alpha, a + eps, b, x, t_x, T, t)) / 2
    z = t / (alpha + T + t)
    hyp = hyp2f1(r + x, b + x, a + b + x - 1, z)
    body = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
    return body * p_alive(r, alpha, a, b, x, t_x, T)


def expected_new(r, alpha, a, b, t):
    """Eq. 9: E[X(t)] for a new customer."""
    if a == 1:
        eps = mp.mpf(10) ** -30
        return (expected_new(r, alpha, a - eps, b, t) + expected_new(r, alpha, a + eps, b, t)) / 2
    hyp = hyp2f1(r, b, a + b - 1, t / (alpha + t))
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp)


def row_values(model, cust, t):
    r, alpha, a, b = (mp.mpf(v) for v in model)
    x, t_x, T = cust
    x = mp.mpf(x)
    t_x = mp.mpf(t_x)
    T = mp.mpf(T)
    t = mp.mpf(t)
    return (p_alive(r, alpha, a, b, x, t_x, T),
            expected(r, alpha, a, b, x, t_x, T, t),
            expected_new(r, alpha, a, b, t))


def as_double(v):
    """17 significant digits; values below the double range print as 0."""
    if abs(v) < mp.mpf('1e-300'):
        return '0'
    return mp.nstr(v, 17, min_fixed=-1, max_fixed=-1)


def main():
    out = sys.stdout
    out.write('r,alpha,a,b,frequency,recency,age,t,p_alive,expected,expected_new\n')
    for model in MODELS:
        for cust in CUSTOMERS:
            for t in TIMES:
                mp.mp.dps = 60
                vals = row_values(model, cust, t)
                mp.mp.dps = 90
                check = row_values(model, cust, t)
                for v, c in zip(vals, check):
                    if abs(v - c) > mp.mpf('1e-25') * max(abs(c), mp.mpf('1e-300')):
                        raise SystemExit('precision check failed at %r %r %r' % (model, cust, t))
                mp.mp.dps = 60
                out.write(','.join([repr(v) for v in model]
                                   + [str(cust[0]), repr(cust[1]), repr(cust[2]), repr(t)]
                                   + [as_double(v) for v in vals]) + '\n')


LARGE_SHAPES = [
    # r, alpha, a, b, x, T, t
    (0.5, 0.01, 300, 2700, 0, 0, 52.14),
    (0.5, 0.01, 300, 2700, 0, mp.mpf(1) / 7, 52.14),
    (0.5, 0.01, 1000, 9000, 0, 0, 52.14),
    (0.5, 0.01, 1000, 9000, 0, 0, 1),
    (2, 0.1, 500, 4500, 0, 0, 520),
    (0.05, 0.01, 80, 720, 0, 0, 520),
    (0.3, 0.1, 100, 900, 0, 0, 520),
    (0.05, 0.01, 50, 450, 0, 0, 52.14),
    (0.5, 0.01, 300, 2700, 2, 1, 52.14),
    (3, 0.001, 50, 0.05, 0, 0, 100000),
]


def expected_alive_by_quadrature(r, alpha, a, b, x, T, t):
    """E[Y(t) | alive] as the integral over the dropout probability, in the
    log-odds u = log(p/(1-p)), split at multiples of the peak's width."""
    R, A, B = r + x, a, b + x
    s = t / (alpha + T)
    lbeta = mp.loggamma(A) + mp.loggamma(B) - mp.loggamma(A + B)

    def f(u):
        p = 1 / (1 + mp.exp(-u))
        w = mp.exp(-A * mp.log1p(mp.exp(-u)) - B * mp.log1p(mp.exp(u)) - lbeta)
        return w * (-mp.expm1(-R * mp.log1p(p * s))) / p

    peak = mp.log(A / B)
    sd = 1 / mp.sqrt(A * B / (A + B))
    lo = peak - max(400 / A, 60 * sd)
    hi = peak + max(400 / B, 60 * sd)
    pts = [lo] + [peak + k * sd for k in range(-40, 41) if lo < peak + k * sd < hi] + [hi]
    return mp.quad(f, pts)


def large_shapes():
    """The rows of test_large_beta_shapes: E[Y(t) | alive at T]."""
    for row in LARGE_SHAPES:
        r, alpha, a, b, x, T, t = (mp.mpf(v) for v in row)
        mp.mp.dps = 60
        z = t / (alpha + T + t)
        by_2f1 = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x)
                                             * mp.hyp2f1(r + x, b + x, a + b + x - 1, z))
        mp.mp.dps = 50
        by_quad = expected_alive_by_quadrature(r, alpha, a, b, x, T, t)
        if abs(by_2f1 - by_quad) > mp.mpf('1e-30') * by_2f1:
            raise SystemExit('the two references disagree at %r' % (row,))
        print(', '.join(repr(float(v)) for v in row), mp.nstr(by_2f1, 20))


if __name__ == '__main__':
    if sys.argv[1:] == ['--large-shapes']:
        large_shapes()
    else:
        main()
