"""The analytic surfaces, one short declaration each.

Critical points are declared with their kind. Where a closed form is awkward, a declaration gives
a nearby guess and ``refined`` polishes it with a few Newton steps on the exact gradient, so the
declared coordinates are exact to float precision.
"""

from __future__ import annotations

import functools
import math
from typing import Mapping

import jax
import jax.numpy as jnp
import numpy as np

from landscapes.base import KINDS, CriticalPoint, Landscape, Param

GLOBAL_MIN, LOCAL_MIN, SADDLE_POINT, MAXIMUM, DEGENERATE = KINDS  # the kinds of critical point a declaration gives


NEWTON_STEPS = 40  # quadratic convergence: a guess within reach is exact to float64 long before this


@functools.partial(jax.jit, static_argnames=("family",))
def _newton(family, theta, points):
    """Newton's iteration on ∇f = 0 from every row of ``points`` at once (call under ``jax.enable_x64``)."""
    f = lambda w: family(w, theta)
    grad, hess = jax.grad(f), jax.hessian(f)

    def polish(w):
        step = lambda _, v: v - jnp.linalg.solve(hess(v), grad(v))
        return jax.lax.fori_loop(0, NEWTON_STEPS, step, w)

    return jax.vmap(polish)(points)


def refined(family, theta: Mapping[str, float], guesses) -> tuple[CriticalPoint, ...]:
    """Newton-polish ``(xy, kind)`` guesses into exact critical points (in float64), all in one program."""
    guesses = tuple(guesses)
    with jax.enable_x64(True):
        theta64 = {k: jnp.float64(v) for k, v in theta.items()}
        points = np.asarray(_newton(family, theta64, jnp.asarray([xy for xy, _ in guesses], jnp.float64)))
    return tuple(CriticalPoint((float(x), float(y)), kind) for (x, y), (_, kind) in zip(points, guesses))


def _static(*points):
    return lambda theta: tuple(CriticalPoint(xy, kind) for xy, kind in points)


def _refined_once(family, *guesses):
    """For surfaces without parameters: polish once, on first use."""
    return functools.lru_cache(maxsize=1)(lambda: refined(family, {}, guesses))


def _label(ko: str, en: str) -> dict[str, str]:
    return {"ko": ko, "en": en}


# --- convex bowl -------------------------------------------------------------------------------

def bowl(w, theta):
    angle = jnp.deg2rad(theta["angle"])
    c, s = jnp.cos(angle), jnp.sin(angle)
    u = c * w[0] + s * w[1]
    v = -s * w[0] + c * w[1]
    return 0.5 * (u**2 + theta["kappa"] * v**2)


BOWL = Landscape(
    id="bowl",
    name=_label("볼록 그릇 (이차함수)", "Convex bowl (quadratic)"),
    family=bowl,
    bounds=((-3.0, 3.0), (-3.0, 3.0)),
    starts=((-2.5, 2.0), (2.5, 2.5), (-2.0, -2.5)),
    description=_label(
        "최저점이 하나뿐인 볼록 이차함수. 조건수 κ가 크면 좁은 골짜기가 된다.",
        "A convex quadratic with a single minimum; a large condition number κ makes a narrow ravine.",
    ),
    critical=_static(((0.0, 0.0), GLOBAL_MIN)),
    params=(
        Param("kappa", 10.0, 1.0, 100.0, _label("조건수 κ", "condition number κ"), log=True),
        Param("angle", 0.0, 0.0, 90.0, _label("회전 각도 (°)", "rotation (°)")),
    ),
    latex=r"f(w)=\tfrac12\,(u^2+\kappa v^2),\ (u,v)=R_\theta\,w",
)


# --- saddles -----------------------------------------------------------------------------------

def saddle(w, theta):
    return w[0] ** 2 - w[1] ** 2


SADDLE = Landscape(
    id="saddle",
    name=_label("말안장점 x² − y²", "Saddle x² − y²"),
    family=saddle,
    bounds=((-2.0, 2.0), (-2.0, 2.0)),
    starts=((-1.8, 0.0), (-1.8, 0.05), (1.5, 1.0)),
    description=_label(
        "기울기가 0인 점이 최저점이 아닐 수 있다: 한 방향으로는 볼록, 다른 방향으로는 오목하다.",
        "A zero gradient need not be a minimum: convex along one axis, concave along the other.",
    ),
    critical=_static(((0.0, 0.0), SADDLE_POINT)),
    latex=r"f(x,y)=x^2-y^2",
)


def saddle_two_minima(w, theta):
    return w[0] ** 2 + w[1] ** 4 / 4.0 - w[1] ** 2 / 2.0


SADDLE_TWO_MINIMA = Landscape(
    id="saddle_two_minima",
    name=_label("말안장점과 두 최저점", "Saddle between two minima"),
    family=saddle_two_minima,
    bounds=((-2.0, 2.0), (-2.0, 2.0)),
    starts=((-1.8, 0.0), (-1.8, 0.02), (1.5, -1.5)),
    description=_label(
        "원점은 말안장점이고, y = ±1에 최저점이 둘 있다. 빠져나온 최적화기는 어느 한쪽에 도착한다.",
        "The origin is a saddle with a minimum at y = ±1 on each side; an optimizer that escapes lands in one.",
    ),
    critical=_static(((0.0, 0.0), SADDLE_POINT), ((0.0, 1.0), GLOBAL_MIN), ((0.0, -1.0), GLOBAL_MIN)),
    latex=r"f(x,y)=x^2+\tfrac14 y^4-\tfrac12 y^2",
)


def monkey_saddle(w, theta):
    return w[0] ** 3 - 3.0 * w[0] * w[1] ** 2


MONKEY_SADDLE = Landscape(
    id="monkey_saddle",
    name=_label("원숭이 안장", "Monkey saddle"),
    family=monkey_saddle,
    bounds=((-1.5, 1.5), (-1.5, 1.5)),
    starts=((1.2, 0.0), (1.0, 0.6)),
    description=_label(
        "내려가는 골이 셋인 안장. 원점에서 헤시안이 0이라 2차 정보로는 판별되지 않는다.",
        "A saddle with three valleys; the Hessian vanishes at the origin, so second-order tests cannot classify it.",
    ),
    critical=_static(((0.0, 0.0), DEGENERATE)),
    latex=r"f(x,y)=x^3-3xy^2",
)


# --- many minima -------------------------------------------------------------------------------

_WELLS = np.array(
    # cx, cy, depth, width
    [[-1.6, -1.0, 2.0, 0.7], [1.5, 1.3, 1.3, 0.6], [1.4, -1.7, 0.9, 0.5]], dtype=np.float64
)


def wells(w, theta):
    bowl_part = 0.06 * (w[0] ** 2 + w[1] ** 2)
    total = bowl_part
    for cx, cy, depth, width in _WELLS:
        r2 = (w[0] - cx) ** 2 + (w[1] - cy) ** 2
        total = total - depth * jnp.exp(-r2 / (2.0 * width**2))
    return total


_wells_points = _refined_once(
    wells,
    ((-1.6, -1.0), GLOBAL_MIN), ((1.5, 1.3), LOCAL_MIN), ((1.4, -1.7), LOCAL_MIN),
    ((0.18, 0.22), SADDLE_POINT), ((0.39, -1.03), SADDLE_POINT),
)

WELLS = Landscape(
    id="wells",
    name=_label("여러 지역최저점 (가우스 우물)", "Several local minima (Gaussian wells)"),
    family=wells,
    bounds=((-3.5, 3.5), (-3.5, 3.5)),
    starts=((0.3, 0.9), (-0.2, -0.4), (2.8, -2.8), (2.5, 2.5)),
    description=_label(
        "완만한 그릇 위에 깊이가 다른 우물 셋: 전역최저점 하나와 지역최저점 둘. 출발점이 도착점을 정한다.",
        "Three wells of different depths on a gentle bowl: one global and two local minima. The start decides the end.",
    ),
    critical=lambda theta: _wells_points(),
    latex=r"f(w)=0.06\,\|w\|^2-\sum_i d_i\,e^{-\|w-c_i\|^2/2s_i^2}",
)


def six_hump_camel(w, theta):
    x, y = w[0], w[1]
    return (4.0 - 2.1 * x**2 + x**4 / 3.0) * x**2 + x * y + (-4.0 + 4.0 * y**2) * y**2


_camel_points = _refined_once(
    six_hump_camel,
    ((0.0898, -0.7126), GLOBAL_MIN), ((-0.0898, 0.7126), GLOBAL_MIN),
    ((-1.7036, 0.7961), LOCAL_MIN), ((1.7036, -0.7961), LOCAL_MIN),
    ((-1.6071, -0.5687), LOCAL_MIN), ((1.6071, 0.5687), LOCAL_MIN),
    ((0.0, 0.0), SADDLE_POINT), ((-1.1092, 0.7683), SADDLE_POINT), ((1.1092, -0.7683), SADDLE_POINT),
    ((-1.6381, -0.2287), SADDLE_POINT), ((1.6381, 0.2287), SADDLE_POINT), ((-1.2961, -0.6051), SADDLE_POINT),
    ((1.2961, 0.6051), SADDLE_POINT),
    ((-1.2302, -0.1623), MAXIMUM), ((1.2302, 0.1623), MAXIMUM),
)

SIX_HUMP_CAMEL = Landscape(
    id="six_hump_camel",
    name=_label("여섯 혹 낙타", "Six-hump camel"),
    family=six_hump_camel,
    bounds=((-2.0, 2.0), (-1.1, 1.1)),
    starts=((-1.9, 1.0), (1.0, 0.9), (-0.6, -0.9)),
    description=_label(
        "전역최저점 둘, 지역최저점 넷, 말안장점 일곱, 극대점 둘이 있는 고전적 시험 함수.",
        "A classic test function with two global and four local minima, seven saddles and two maxima.",
    ),
    critical=lambda theta: _camel_points(),
    latex=r"f=(4-2.1x^2+\tfrac{x^4}{3})x^2+xy+(-4+4y^2)y^2",
)


def himmelblau(w, theta):
    x, y = w[0], w[1]
    return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2


_himmelblau_points = _refined_once(
    himmelblau,
    ((3.0, 2.0), GLOBAL_MIN), ((-2.805118, 3.131312), GLOBAL_MIN),
    ((-3.779310, -3.283186), GLOBAL_MIN), ((3.584428, -1.848126), GLOBAL_MIN),
    ((-0.270845, -0.923039), MAXIMUM),
    ((0.086678, 2.884254), SADDLE_POINT), ((-3.073025, -0.081353), SADDLE_POINT),
    ((3.385154, 0.073852), SADDLE_POINT), ((-0.127961, -1.953715), SADDLE_POINT),
)

HIMMELBLAU = Landscape(
    id="himmelblau",
    name=_label("힘멜블라우", "Himmelblau"),
    family=himmelblau,
    bounds=((-5.0, 5.0), (-5.0, 5.0)),
    starts=((-0.3, -0.9), (0.0, 0.0), (-4.5, 4.5)),
    description=_label(
        "깊이가 같은 최저점 넷, 극대점 하나, 안장점 넷.",
        "Four equally deep minima, one maximum and four saddles.",
    ),
    critical=lambda theta: _himmelblau_points(),
    latex=r"f=(x^2+y-11)^2+(x+y^2-7)^2",
)


def rastrigin(w, theta):
    return 20.0 + jnp.sum(w**2 - 10.0 * jnp.cos(2.0 * jnp.pi * w))


def _lattice(minima, maxima, global_xy=(0.0, 0.0)):
    """Guesses for a surface whose critical points sit on a product lattice: each coordinate at one of
    ``minima`` or one of ``maxima`` of a one-dimensional profile; min × min is a minimum, max × max a
    maximum, mixed a saddle."""
    kinds = [(v, "min") for v in minima] + [(v, "max") for v in maxima]
    guesses = []
    for x, kind_x in kinds:
        for y, kind_y in kinds:
            if kind_x == kind_y == "min":
                kind = GLOBAL_MIN if (x, y) == global_xy else LOCAL_MIN
            else:
                kind = MAXIMUM if kind_x == kind_y == "max" else SADDLE_POINT
            guesses.append(((x, y), kind))
    return tuple(guesses)


# x² − 10 cos 2πx has a minimum near each integer and a maximum near each half-integer: 21 × 21 points.
_rastrigin_points = _refined_once(
    rastrigin, *_lattice([float(k) for k in range(-5, 6)], [k + 0.5 for k in range(-5, 5)]),
)

RASTRIGIN = Landscape(
    id="rastrigin",
    name=_label("라스트리긴", "Rastrigin"),
    family=rastrigin,
    bounds=((-5.12, 5.12), (-5.12, 5.12)),
    starts=((3.2, 2.7), (-4.5, 4.2), (0.4, -0.3)),
    description=_label(
        "격자 모양으로 지역최저점이 가득한 함수. 경사만 따라가면 가까운 우물에 갇힌다.",
        "A grid of local minima everywhere; following the gradient alone gets stuck in the nearest well.",
    ),
    critical=lambda theta: _rastrigin_points(),
    latex=r"f=20+\sum_i\,(w_i^2-10\cos 2\pi w_i)",
)


def ackley(w, theta):
    # The tiny constant smooths the cone tip at the origin, where the gradient would be undefined.
    r = jnp.sqrt(0.5 * (w[0] ** 2 + w[1] ** 2) + 1e-12)
    waves = 0.5 * (jnp.cos(2.0 * jnp.pi * w[0]) + jnp.cos(2.0 * jnp.pi * w[1]))
    return -20.0 * jnp.exp(-0.2 * r) - jnp.exp(waves) + math.e + 20.0


# The cosine waves put a minimum near every integer point and a maximum near every half-integer one: 13 × 13.
_ackley_points = _refined_once(
    ackley, *_lattice([float(k) for k in range(-3, 4)], [k + 0.5 for k in range(-3, 3)]),
)

ACKLEY = Landscape(
    id="ackley",
    name=_label("애클리", "Ackley"),
    family=ackley,
    bounds=((-3.0, 3.0), (-3.0, 3.0)),
    starts=((2.4, 1.7), (-2.6, -2.2), (0.7, 0.2)),
    description=_label(
        "가운데 깊은 구멍 하나와 주름진 바깥. 멀리서는 거의 평평하다.",
        "One deep hole in the middle of a wrinkled, nearly flat plain.",
    ),
    critical=lambda theta: _ackley_points(),
    latex=r"f=-20e^{-0.2\sqrt{\frac12\|w\|^2}}-e^{\frac12\sum\cos2\pi w_i}+e+20",
)


# --- valleys and bowls from the optimisation literature -----------------------------------------

def rosenbrock(w, theta):
    return (theta["a"] - w[0]) ** 2 + theta["b"] * (w[1] - w[0] ** 2) ** 2


ROSENBROCK = Landscape(
    id="rosenbrock",
    name=_label("로젠브록", "Rosenbrock"),
    family=rosenbrock,
    bounds=((-2.0, 2.0), (-1.0, 3.0)),
    starts=((-1.5, 2.5), (-1.2, 1.0), (1.5, -0.5)),
    description=_label(
        "바나나 모양의 휘어진 좁은 골짜기. 골짜기에 들어가기는 쉽지만 바닥을 따라 최저점까지 가기는 어렵다.",
        "A curved, banana-shaped valley: easy to fall into, hard to follow to the minimum.",
    ),
    critical=lambda theta: (CriticalPoint((theta["a"], theta["a"] ** 2), GLOBAL_MIN),),
    params=(
        Param("a", 1.0, 0.25, 1.5, _label("a", "a")),
        Param("b", 100.0, 1.0, 200.0, _label("b", "b"), log=True),
    ),
    latex=r"f=(a-x)^2+b\,(y-x^2)^2",
    view_angle=(-120.0, 55.0),  # from above the valley: from the usual angle its wall hides the paths on its floor
)


def beale(w, theta):
    x, y = w[0], w[1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


_beale_points = _refined_once(beale, ((3.0, 0.5), GLOBAL_MIN), ((0.0, 1.0), SADDLE_POINT),
                              ((0.1005, -2.6445), SADDLE_POINT))

BEALE = Landscape(
    id="beale",
    name=_label("빌", "Beale"),
    family=beale,
    bounds=((-4.5, 4.5), (-4.5, 4.5)),
    starts=((-2.0, 2.0), (2.0, -2.5), (-3.0, -3.0)),
    description=_label(
        "평평한 바닥과 가파른 모서리를 함께 가진 함수. 기울기 크기가 자리마다 크게 다르다.",
        "Flat floors next to steep corners: the gradient's size varies enormously from place to place.",
    ),
    critical=lambda theta: _beale_points(),
    latex=r"f=(1.5-x+xy)^2+(2.25-x+xy^2)^2+(2.625-x+xy^3)^2",
)


def booth(w, theta):
    x, y = w[0], w[1]
    return (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2


BOOTH = Landscape(
    id="booth",
    name=_label("부스", "Booth"),
    family=booth,
    bounds=((-10.0, 10.0), (-10.0, 10.0)),
    starts=((-8.0, -8.0), (8.0, -6.0), (-6.0, 9.0)),
    description=_label(
        "기울어진 타원 그릇: 축과 나란하지 않은 골짜기.",
        "A tilted elliptical bowl: a valley not aligned with the axes.",
    ),
    critical=_static(((1.0, 3.0), GLOBAL_MIN)),
    latex=r"f=(x+2y-7)^2+(2x+y-5)^2",
)


def plateau(w, theta):
    return 1.0 - jnp.exp(-(w[0] ** 2 + w[1] ** 2) / (2.0 * theta["width"] ** 2))


PLATEAU = Landscape(
    id="plateau",
    name=_label("평원 (기울기 소실)", "Plateau (vanishing gradient)"),
    family=plateau,
    bounds=((-4.0, 4.0), (-4.0, 4.0)),
    starts=((3.0, 2.5), (-3.5, 1.0), (1.0, 0.5)),
    description=_label(
        "가운데를 벗어나면 거의 평평해서 기울기가 0에 가깝다. 경사하강법은 거의 움직이지 못한다.",
        "Away from the centre the surface is almost flat and the gradient nearly zero: gradient descent barely moves.",
    ),
    critical=_static(((0.0, 0.0), GLOBAL_MIN)),
    params=(Param("width", 1.0, 0.3, 2.0, _label("우물 폭", "well width")),),
    latex=r"f=1-e^{-\|w\|^2/2s^2}",
)


ANALYTIC = (
    BOWL, SADDLE, SADDLE_TWO_MINIMA, WELLS, SIX_HUMP_CAMEL, HIMMELBLAU, RASTRIGIN, ACKLEY,
    ROSENBROCK, BEALE, BOOTH, PLATEAU, MONKEY_SADDLE,
)
