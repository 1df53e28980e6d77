"""The pure rules: which AQI band a concentration is in, the AQI itself, a gauge's status, and the hysteresis
that keeps a value hovering at a threshold from flapping. Every threshold is passed in as data (the AqiBand rows,
the gauge's own levels); nothing here reads the database.

The Thai AQI (ประกาศกรมควบคุมมลพิษ เรื่อง เกณฑ์ดัชนีคุณภาพอากาศของประเทศไทย, พ.ศ. 2566; ../shared/THAI-RULES.md
§11): each pollutant's sub-index is interpolated linearly inside its band, I = (Ij − Ii) / (Xj − Xi) × (X − Xi) + Ii,
and the AQI is the highest sub-index.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Band:
    pollutant: str
    rank: int
    low: Decimal
    high: Decimal | None
    decimals: int
    index_low: int
    index_high: int | None
    colour: str
    colour_hex: str
    name_th: str
    name_en: str
    advice_th: str
    advice_en: str
    alerts: bool

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_th

    def advice(self, language: str) -> str:
        return self.advice_en if language.startswith("en") else self.advice_th


def rounded(value: float, decimals: int) -> Decimal:
    """As the notice writes concentrations: 37.55 is 37.6 (half up), PM10 in whole µg/m³."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def band_for(value: float, bands: Sequence[Band]) -> Band:
    """The band of one pollutant a concentration is in (`bands` in rank order, the first starting at 0)."""
    if not bands:
        raise ValueError("no AQI bands for this pollutant")
    x = rounded(max(value, 0.0), bands[0].decimals)
    found = bands[0]
    for band in bands:
        if x >= band.low:
            found = band
    return found


def sub_index(value: float, bands: Sequence[Band]) -> int:
    """The pollutant's sub-index, I = (Ij − Ii) / (Xj − Xi) × (X − Xi) + Ii, rounded half up to a whole number."""
    band = band_for(value, bands)
    x = rounded(max(value, 0.0), band.decimals)
    if band.high is not None and band.index_high is not None:
        x_i, x_j, i_i, i_j = band.low, band.high, band.index_low, band.index_high
    else:  # the open top band keeps the slope of the band below it
        below = bands[band.rank - 1] if band.rank else band
        x_i, i_i = band.low, band.index_low
        x_j = band.low + ((below.high or band.low) - below.low)
        i_j = band.index_low + ((below.index_high or band.index_low) - below.index_low)
    if x_j == x_i:
        return i_i
    index = Decimal(i_j - i_i) / (x_j - x_i) * (x - x_i) + i_i
    return int(index.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def aqi(values: Mapping[str, float | None], bands: Mapping[str, Sequence[Band]]) -> tuple[int, Band] | None:
    """The AQI (the highest sub-index) and the band of the pollutant that sets it; None with no value at all."""
    best: tuple[int, Band] | None = None
    for pollutant, value in values.items():
        if value is None or pollutant not in bands:
            continue
        index = sub_index(value, bands[pollutant])
        if best is None or index > best[0]:
            best = (index, band_for(value, bands[pollutant]))
    return best


def band_with_hysteresis(value: float, current: int, bands: Sequence[Band], margin: float) -> Band:
    """The band a station is in now, given the one it was in: it enters a higher band at that band's lower bound,
    and leaves its band downwards only once the value is `margin` under the band's lower bound."""
    raw = band_for(value, bands)
    if raw.rank >= current:
        return raw
    lowered = band_for(value + margin, bands)
    return lowered if lowered.rank < current else bands[min(current, len(bands) - 1)]


@dataclass(frozen=True)
class GaugeLevels:
    alert: float | None
    danger: float | None
    rise_alert: float | None  # m/h
    margin: float = 0.0


NORMAL, WATCH, DANGER = 0, 1, 2


def water_status(level: float, rise_rate: float | None, gauge: GaugeLevels, *, margin: float = 0.0) -> int:
    """Danger at or over the danger level; watch at or over the alert level, or rising at least as fast as the
    gauge's rising-rate alert; else normal. `margin` lowers the thresholds (what leaving a status takes)."""
    if gauge.danger is not None and level + margin >= gauge.danger:
        return DANGER
    if gauge.alert is not None and level + margin >= gauge.alert:
        return WATCH
    if gauge.rise_alert is not None and rise_rate is not None:
        # the rate's own hysteresis: in proportion to the level's (a quarter of the alert rate at most)
        rate_margin = min(margin, gauge.rise_alert / 4) if margin else 0.0
        if rise_rate + rate_margin >= gauge.rise_alert:
            return WATCH
    return NORMAL


def water_status_with_hysteresis(
    level: float, rise_rate: float | None, current: int, gauge: GaugeLevels
) -> int:
    raw = water_status(level, rise_rate, gauge)
    if raw >= current:
        return raw
    lowered = water_status(level, rise_rate, gauge, margin=gauge.margin)
    return lowered if lowered < current else current
