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
    import numpy as np

    grey = _scaled(np.ascontiguousarray(rgb[:, :, 0]))  # the red channel: a red seal turns light
    grey, angle = _deskew(grey)
    h, w = grey.shape
    h_rules, v_rules = _rules(grey)
    image = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    # (looked up through the module, so that tests can put a cache in front of the engine)
    return PageImage(w, h, sys.modules[__name__].recognise(image), h_rules, v_rules, angle)


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


def _scaled(grey: Any) -> Any:
    import cv2

    h, w = grey.shape
    side = max(h, w)
    if side <= MAX_SIDE:
        return grey
    f = MAX_SIDE / side
    return cv2.resize(grey, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)


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

    h, w = grey.shape
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
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    return turned, angle


def _rules(grey: Any) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Table rules: long horizontal runs; vertical runs from one horizontal rule to another."""
    h, w = grey.shape
    mask = _dark(grey)
    hs = [(float(x), float(x + rw), y + rh / 2) for x, y, rw, rh in _long_runs(mask, True, max(20, w // 25))]
    tol = max(4.0, w / 250)

    def on_rule(x: float, y: float) -> bool:
        return any(abs(y - ry) <= tol and x0 - tol <= x <= x1 + tol for x0, x1, ry in hs)

    # Vertical runs, collinear pieces joined (a thin rule scanned, turned and thresholded comes out
    # dotted), kept when they run from one horizontal rule to another: strokes of text do not.
    pieces = sorted((x + rw / 2, float(y), float(y + rh)) for x, y, rw, rh in _long_runs(mask, False, max(10, h // 200)))
    columns: list[list[tuple[float, float, float]]] = []
    for piece in pieces:  # pieces at about the same x
        if columns and piece[0] - columns[-1][0][0] <= tol:
            columns[-1].append(piece)
        else:
            columns.append([piece])
    joined: list[list[float]] = []
    for column in columns:
        run: list[float] | None = None
        for cx, y0, y1 in sorted(column, key=lambda p: p[1]):
            if run is not None and y0 - run[2] <= 3 * tol:
                run[2] = max(run[2], y1)
            else:
                run = [cx, y0, y1]
                joined.append(run)
    joined = [j for j in joined if j[2] - j[1] >= h // 80]

    def shared(y: float) -> bool:  # the open edge of a table broken by the page end: rules end together
        return sum(1 for _, a, b in joined if abs(a - y) <= tol or abs(b - y) <= tol) >= 3

    vs = [(y0, y1, cx) for cx, y0, y1 in joined
          if (on_rule(cx, y0) or shared(y0)) and (on_rule(cx, y1) or shared(y1)) and (on_rule(cx, y0) or on_rule(cx, y1))]
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
