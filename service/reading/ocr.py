"""OCR of page images: PP-OCR (RapidOCR on ONNX Runtime) text boxes, and the page's ruling found in the image.

The engine is ``rapidocr-onnxruntime`` 1.4.4, whose wheel carries the PP-OCRv4 Chinese detection and
recognition models: nothing is downloaded at run time. It is the optional extra ``govreport[ocr]``;
without it, a scanned page is refused with a message saying how to install it.

An image is prepared before OCR: a red seal is washed out (the red channel as the grey image: red ink
turns light, black ink stays black), a slight rotation is undone (the angle of the long rules), and
a very large image is scaled down. The text boxes keep the recogniser's confidence; the rules drawn
in the image (long thin runs of dark pixels) are returned as line segments, so a scanned table is
rebuilt as a grid exactly as a ruled table of a text-layer PDF.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from service.errors import InputError, UnsupportedFormatError

#: Largest image accepted, in pixels (a 300 dpi A3 page is 17.4 MP); larger ones are refused unread.
MAX_PIXELS = int(os.environ.get("GOVREPORT_OCR_MAX_PIXELS", str(60_000_000)))
#: Images are scaled so that their longer side is at most this many pixels (an A4 page at 200 dpi).
MAX_SIDE = 2400
#: Below this confidence an OCR reading is doubtful: a relation it breaks is a reading doubt, not a report error.
LOW_CONFIDENCE = 0.95
INSTALL_HINT = "请安装 OCR 扩展: pip install 'govreport[ocr]'"

_lock = threading.Lock()
_engine: Any = None


@dataclass(frozen=True, slots=True)
class TextBox:
    """One line of text found in an image: pixel box (after deskewing), text, recogniser confidence."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    confidence: float


@dataclass(slots=True)
class PageImage:
    """What OCR found on one page image: text boxes and rules, in pixels of the prepared image."""

    width: int
    height: int
    boxes: list[TextBox]
    h_rules: list[tuple[float, float, float]]  # (x0, x1, y)
    v_rules: list[tuple[float, float, float]]  # (y0, y1, x)
    angle: float  # degrees the image was turned to make its rules level
    grey: Any = None  # the prepared image (seal and fills removed, turned), for reading single cells


def available() -> bool:
    """Is the OCR engine installed?"""
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def _threads() -> int:
    """ONNX Runtime threads: GOVREPORT_OCR_THREADS; else one in a batch worker process (the batch runs one
    process per core), every core (-1) in a process of its own."""
    import multiprocessing

    configured = os.environ.get("GOVREPORT_OCR_THREADS", "").strip()
    if configured.lstrip("-").isdigit():
        return int(configured)
    return 1 if multiprocessing.parent_process() is not None else -1


def _get_engine() -> Any:
    global _engine
    with _lock:
        if _engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:
                raise UnsupportedFormatError(f"未安装 OCR 文字识别; {INSTALL_HINT}") from exc
            _engine = RapidOCR(print_verbose=False, intra_op_num_threads=_threads(), inter_op_num_threads=1)
        return _engine


def ocr_array(rgb: Any) -> PageImage:
    """OCR an RGB image (a numpy array, height × width × 3)."""
    import cv2

    grey, seal = _without_seal(rgb)
    grey, angle = _deskew(_unfilled(_scaled(grey)))
    if seal is not None:
        seal = _turned(_scaled(seal), angle, 0)
    h, w = grey.shape
    h_rules, v_rules = _rules(grey, seal)
    image = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    # (looked up through the module, so that tests can put a cache in front of the engine)
    return PageImage(w, h, sys.modules[__name__].recognise(image), h_rules, v_rules, angle, grey)


def recognise(image: Any) -> list[TextBox]:
    """The engine's text boxes on a prepared BGR image (every box kept, whatever its confidence)."""
    result, _ = _get_engine()(image, use_cls=False, box_thresh=0.3, unclip_ratio=1.6, text_score=0.0)
    boxes: list[TextBox] = []
    for quad, text, score in result or []:
        text = str(text).strip()
        if not text:
            continue
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        boxes.append(TextBox(min(xs), min(ys), max(xs), max(ys), text, round(float(score), 3)))
    return boxes


def recognise_cells(crops: list[Any]) -> list[tuple[str, float]]:
    """Recognition only, no detection: the text and confidence of each small grey image holding one line."""
    import cv2

    if not crops:
        return []
    result, _ = _get_engine().text_rec([cv2.cvtColor(c, cv2.COLOR_GRAY2BGR) for c in crops])
    return [(str(r[0]).strip(), round(float(r[1]), 3)) for r in result]


def _scaled(grey: Any) -> Any:
    import cv2

    h, w = grey.shape
    side = max(h, w)
    if side <= MAX_SIDE:
        return grey
    f = MAX_SIDE / side
    return cv2.resize(grey, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)


def _without_seal(rgb: Any) -> tuple[Any, Any]:
    """The page as a grey image with a red seal removed by its colour: the red channel (a red mark turns
    light, black ink stays black), stretched on the seal's pixels so that the seal over paper (most of
    its pixels: their median) turns white and a black stroke under the seal stays black. Also the
    seal's pixels (a mask, None without a seal): a rule broken where the seal lay is joined again."""
    import cv2
    import numpy as np

    r = rgb[:, :, 0]
    gb = np.minimum(rgb[:, :, 1], rgb[:, :, 2])
    reddish = r.astype(np.int16) - gb > 12  # (the seal's blurred edges too)
    grey = np.array(r, dtype=np.uint8)
    seal = r.astype(np.int16) - gb > 50  # clearly red: the seal's own level is measured on these
    if seal.any():
        paper = float(np.median(r[seal]))  # the seal over paper (most of its pixels)
        ink = 0.6 * paper  # the seal over a black stroke: translucent red ink over black is darker
        light = 0.92 * paper  # lighter than this is the seal over paper (its grain, its blurred edges)
        under = r[reddish].astype(np.float32)
        grey[reddish] = np.clip((under - ink) * (255.0 / (light - ink)), 0, 255).astype(np.uint8)
        mask = cv2.dilate(seal.astype(np.uint8) * 255, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
        return grey, mask
    return grey, None


def _unfilled(grey: Any) -> Any:
    """Solid grey fills (a shaded header row) made white, the dark text and rules on them kept: a fill
    would otherwise be ink to the thresholds, swallowing the rules and the text around it."""
    import cv2
    import numpy as np

    smooth = cv2.blur(grey, (5, 5))
    fill = ((smooth > 140) & (smooth < 235)).astype(np.uint8)
    fill = cv2.morphologyEx(fill, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (25, 25)))
    if not fill.any():
        return grey
    fill = cv2.dilate(fill, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))).astype(bool)
    out = grey.copy()
    out[fill & (grey > 120)] = 255
    return out


def _dark(grey: Any) -> Any:
    import cv2

    _, mask = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def _long_runs(mask: Any, horizontal: bool, length: int) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x, y, w, h) of thin dark runs at least ``length`` long."""
    import cv2

    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    runs = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    n, _, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    out: list[tuple[int, int, int, int]] = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if (w >= length and h <= max(8, w // 30)) if horizontal else (h >= length and w <= max(8, h // 30)):
            out.append((x, y, w, h))
    return out


def _deskew(grey: Any) -> tuple[Any, float]:
    """Turn the image so that its long horizontal rules are level (only when they agree on a small angle)."""
    import cv2
    import numpy as np

    w = grey.shape[1]
    mask = _dark(grey)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 40), 1))
    runs = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    angles: list[float] = []
    for i in range(1, n):
        cw, ch = int(stats[i, 2]), int(stats[i, 3])
        if cw < w // 5 or ch > cw // 10:
            continue
        ys, xs = np.nonzero(labels[stats[i, 1]:stats[i, 1] + ch, stats[i, 0]:stats[i, 0] + cw] == i)
        if len(xs) < 10:
            continue
        slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
        angles.append(float(np.degrees(np.arctan(slope))))
    if not angles:
        return grey, 0.0
    angle = float(np.median(angles))
    if abs(angle) < 0.05 or abs(angle) > 5:
        return grey, 0.0
    return _turned(grey, angle, 255), angle


def _turned(image: Any, angle: float, fill: int) -> Any:
    import cv2

    if angle == 0.0:
        return image
    h, w = image.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def _under_seal(seal: Any, x0: float, x1: float, y0: float, y1: float) -> bool:
    """Is most of a gap between two pieces of a rule (a box, pixels) covered by the seal?"""
    if seal is None or x1 <= x0 or y1 <= y0:
        return False
    part = seal[max(0, int(y0)):int(y1) + 1, max(0, int(x0)):int(x1) + 1]
    if not part.size:
        return False
    along = part.any(axis=0) if x1 - x0 >= y1 - y0 else part.any(axis=1)
    return float(along.mean()) >= 0.6


def _rules(grey: Any, seal: Any = None) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Table rules: long horizontal runs; vertical runs from one horizontal rule to another. Pieces of
    one rule with a short gap (under 3 % of the width: less than a cell), or with a gap where the seal
    lay (``seal``: its mask), are one rule."""
    import cv2

    h, w = grey.shape
    mask = _dark(grey)
    # A thin rule scanned at 150 dpi comes out light grey, lighter than the page's threshold: very long
    # light runs count too (light strokes of text never run that far).
    faint = cv2.threshold(grey, 215, 255, cv2.THRESH_BINARY_INV)[1]
    tol = max(4.0, w / 250)
    hs: list[tuple[float, float, float]] = []
    runs = _long_runs(mask, True, max(20, w // 25)) + _long_runs(faint, True, max(20, w // 6))
    for x, y, rw, rh in sorted(runs, key=lambda r: (r[1] + r[3] / 2, r[0])):
        cy = y + rh / 2
        prev = next((i for i in range(len(hs) - 1, -1, -1) if abs(hs[i][2] - cy) <= tol and hs[i][0] <= x), None)
        if prev is not None and (x - hs[prev][1] <= 0.03 * w or _under_seal(seal, hs[prev][1], float(x), cy - tol, cy + tol)):
            hs[prev] = (hs[prev][0], max(hs[prev][1], float(x + rw)), (hs[prev][2] + cy) / 2)
        else:
            hs.append((float(x), float(x + rw), cy))

    def on_rule(x: float, y: float) -> bool:
        return any(abs(y - ry) <= tol and x0 - tol <= x <= x1 + tol for x0, x1, ry in hs)

    # Vertical runs, collinear pieces joined (a thin rule scanned, turned and thresholded comes out
    # dotted), kept when they run from one horizontal rule to another: strokes of text do not.
    runs = _long_runs(mask, False, max(10, h // 200)) + _long_runs(faint, False, max(10, h // 40))
    pieces = sorted((x + rw / 2, float(y), float(y + rh)) for x, y, rw, rh in runs)
    columns: list[list[tuple[float, float, float]]] = []
    for piece in pieces:  # pieces at about the same x
        if columns and piece[0] - columns[-1][0][0] <= tol:
            columns[-1].append(piece)
        else:
            columns.append([piece])
    joined: list[list[tuple[float, float, float]]] = []  # each run: its pieces, top to bottom
    for column in columns:
        run: list[tuple[float, float, float]] | None = None
        for piece in sorted(column, key=lambda p: p[1]):
            end = max(p[2] for p in run) if run is not None else 0.0
            if run is not None and (piece[1] - end <= 3 * tol or (  # across the seal: only long pieces of rule
                    min(piece[2] - piece[1], max(p[2] - p[1] for p in run)) >= h // 80
                    and _under_seal(seal, piece[0] - tol, piece[0] + tol, end, piece[1]))):
                run.append(piece)
            else:
                run = [piece]
                joined.append(run)
    ends = [(min(p[1] for p in run), max(p[2] for p in run)) for run in joined]

    def shared(y: float) -> bool:  # the open edge of a table broken by the page end: rules end together
        return sum(1 for a, b in ends if b - a >= h // 80 and (abs(a - y) <= tol or abs(b - y) <= tol)) >= 3

    vs: list[tuple[float, float, float]] = []
    for run, (y0, y1) in zip(joined, ends, strict=True):
        cx = max(run, key=lambda p: p[2] - p[1])[0]  # the x of its longest piece
        # a rule with strokes of text joined on at an end (text right above a rule-topped cell) is
        # cut back to the rules it runs between
        tops = [p[1] for p in run if on_rule(cx, p[1])]
        bottoms = [p[2] for p in run if on_rule(cx, p[2])]
        if not (tops or bottoms):
            continue
        # a run that crosses two rules is a rule even where its end lost the rule it met (a faint corner)
        crossed = sum(1 for x0, x1, ry in hs if y0 + tol < ry < y1 - tol and x0 - tol <= cx <= x1 + tol) >= 2
        top = min(tops) if tops else y0 if shared(y0) or crossed else None
        bottom = max(bottoms) if bottoms else y1 if shared(y1) or crossed else None
        if top is not None and bottom is not None and bottom - top >= h // 80:
            vs.append((top, bottom, cx))
    return hs, vs


# ---------------------------------------------------------------- image files


def decode_image(data: bytes, name: str) -> list[Any]:
    """The frames of an image file (PNG, JPEG, TIFF: every page of a multi-page TIFF) as RGB arrays.

    The size is read from the header first: an image over MAX_PIXELS is refused before it is decoded.
    """
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    too_big = f"超过 {MAX_PIXELS / 1e6:.0f} MP 的上限(GOVREPORT_OCR_MAX_PIXELS), 请以 300 dpi 以下扫描"
    try:
        im = Image.open(BytesIO(data))
    except Image.DecompressionBombError as exc:  # Pillow's own bound, before anything is decoded
        raise InputError(f"图片过大, {too_big}", name) from exc
    except UnidentifiedImageError as exc:
        raise InputError("无法读取图片(已损坏, 或不是 PNG、JPEG、TIFF 图片), 不能做 OCR 文字识别", name) from exc
    except (OSError, ValueError) as exc:
        raise InputError("无法读取图片(已损坏), 不能做 OCR 文字识别", name) from exc
    frames: list[Any] = []
    try:
        for index in range(getattr(im, "n_frames", 1)):
            im.seek(index)
            w, h = im.size
            if w * h > MAX_PIXELS:
                raise InputError(f"图片为 {w} × {h} 像素({w * h / 1e6:.0f} MP), {too_big}", name)
            if w < 16 or h < 16:
                raise InputError(f"图片只有 {w} × {h} 像素, 太小, 不可能是报告", name)
            frame = im.convert("RGB")
            frames.append(np.asarray(frame))
            if len(frames) > 200:
                raise InputError("图片超过 200 页", name)
    except InputError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InputError("无法读取图片(已损坏或不完整), 不能做 OCR 文字识别", name) from exc
    return frames
