"""Band annotations of uvp01941.jpg from its hand-edited segmentation map (uvp01941_mask.png): one row
per annotated band (a connected region of the map) with its centre and extent in pixels. Run from this
folder: python make_annotations.py"""

import pandas as pd
from skimage import io, measure

mask = io.imread("uvp01941_mask.png") > 0
rows = []
for region in measure.regionprops(measure.label(mask)):
    top, left, bottom, right = region.bbox
    y, x = region.centroid
    rows.append({"x": round(x, 1), "y": round(y, 1), "top": top, "bottom": bottom, "left": left, "right": right,
                 "source": "GelGenie segmentation map"})
# visible in the photo, left out of the map: a faint band (about a seventh of the strongest band's height)
rows.append({"x": 857.0, "y": 476.0, "top": 470, "bottom": 483, "left": 830, "right": 884,
             "source": "faint band seen in the photo, not in the map (added by genoassoc)"})
pd.DataFrame(rows).sort_values(["x", "y"]).to_csv("annotations.tsv", sep="\t", index=False)
