"""The band truth of the corpus (bands.tsv) from GelGenie's hand-edited segmentation maps (maps/*.png,
../uvp01941_mask.png): one row per band (a connected region of a map) with its centre and extent in the
photo's pixels. Run from this folder: python make_bands.py"""

from pathlib import Path

import pandas as pd
from skimage import io, measure

corpus = pd.read_csv("corpus.tsv", sep="\t", dtype=str, keep_default_na=False)
rows = []
for photo in dict.fromkeys(corpus["photo"]):
    stem = Path(photo).stem
    mask_path = Path("maps") / f"{stem}.png" if not photo.startswith("..") else Path("..") / f"{stem}_mask.png"
    if not mask_path.exists():
        continue
    for region in measure.regionprops(measure.label(io.imread(mask_path) > 0)):
        top, left, bottom, right = region.bbox
        y, x = region.centroid
        rows.append({"photo": photo, "x": round(x, 1), "y": round(y, 1), "top": top, "bottom": bottom,
                     "left": left, "right": right})
pd.DataFrame(rows).sort_values(["photo", "x", "y"]).to_csv("bands.tsv", sep="\t", index=False)
