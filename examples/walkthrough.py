# %% [markdown]
# # policytext walkthrough: the 潜江 plan
#
# This walks through what policytext reads from a Chinese policy document (政策文件), using the
# plan bundled with the package: 潜江市《统筹推进教育科技人才一体化发展的工作方案》(2025).
#
# 1. parse the document: header, sections, measures (措施) and their responsible units (责任单位);
# 2. keywords of the whole plan and of each section;
# 3. who is responsible for what (the responsibility matrix and each agency's load);
# 4. alignment with national documents (the 科教兴国 passages of the 2024/2025 Government Work
#    Reports and of the 20th Party Congress report, read from `../shared/corpora`);
# 5. a self-contained HTML report for colleagues who will not run Python.
#
# The same file runs as a script (`python examples/walkthrough.py`) and as the notebook
# `examples/walkthrough.ipynb` (regenerate it with `python examples/build_walkthrough_notebook.py`).


# %%
from pathlib import Path

import matplotlib.pyplot as plt

import policytext
from policytext import plot
from policytext.align import align
from policytext.keywords import keywords
from policytext.report import tables

OUTPUT = Path("walkthrough_output")
OUTPUT.mkdir(exist_ok=True)

# %% [markdown]
# ## 1. Parse the plan
#
# `policytext.corpora.load` reads a bundled document; `policytext.read("plan.docx")` reads your
# own file (txt, md, docx, pdf, html). In Jupyter the document shows as a card with its measures.

# %%
doc = policytext.corpora.load("qianjiang_2025")
doc  # noqa: B018 - displayed by Jupyter

# %%
print(doc.header.title, doc.header.issuer, doc.header.date, doc.header.level.value)
for section in doc.sections:
    print(section.number, section.title)

# %% [markdown]
# Each measure knows its numbering path, heading, responsible units (with role 牵头 lead /
# 配合 support, or unspecified when the clause makes no distinction), deadlines and targets.
# Everything points back into `doc.text` by span. A measure also displays richly:

# %%
measure = doc.measures[7]
measure  # noqa: B018 - displayed by Jupyter

# %%
doc.measures_frame()[["path", "title", "units", "targets"]].head(8)

# %% [markdown]
# ## 2. Keywords
#
# TF-IDF against a policy-domain IDF, with terms such as 产教融合 kept whole.

# %%
top = keywords(doc, top=15)
top[["rank", "term", "score", "count"]]

# %%
ax = plot.keyword_bars(top, title="关键词 Keywords: 潜江 plan")
plt.show()

# %%
by_section = keywords(doc, top=5, by="section")
by_section.groupby("section")["term"].apply(" · ".join)

# %% [markdown]
# ## 3. Responsibilities
#
# Measures × agencies, and how many measures each agency leads, supports or is named in.

# %%
load = tables.agency_load(doc)
load.head(10)

# %%
ax = plot.responsibility_heatmap(doc)
plt.show()

# %%
ax = plot.agency_load(doc, top=15)
plt.show()

# %% [markdown]
# ## 4. Alignment with national documents
#
# The national extracts live in the shared public corpora (`../shared/corpora`, or the folder
# named by `$POLICYTEXT_SHARED_CORPORA`). Each plan measure is compared with each national
# paragraph; a match is `copied`, `adapted` or `related`, with the shared passages as evidence.

# %%
extracts = sorted((policytext.corpora.shared_dir() / "national" / "extracts").glob("*.txt"))
uppers = [policytext.read(path) for path in extracts]
print(f"{len(uppers)} national documents:", ", ".join(u.name for u in uppers))

# %%
alignment = align(doc, uppers) if uppers else None
alignment  # noqa: B018 - displayed by Jupyter

# %%
if alignment is not None:
    print(alignment.summary())
    display_columns = ["lower_path", "lower_title", "upper_doc", "upper_path", "relation", "score"]
    print(alignment.pairs_frame()[display_columns].to_string(index=False))

# %%
alignment.coverage_frame() if alignment is not None else None

# %%
if alignment is not None:
    ax = plot.coverage_bars(alignment)
    plt.show()
    ax = plot.alignment_heatmap(alignment)
    plt.show()

# %% [markdown]
# ## 5. A report for colleagues
#
# One HTML file: document card, measure table (sortable, filterable), responsibility heatmap,
# agency load, keywords, and — with upper-level documents — coverage, the alignment matrix,
# omitted upper-level tasks, local additions and a side-by-side view of each aligned pair.
# The same from the command line: `policytext report --against national.txt -o report.html`.

# %%
path = policytext.report(
    doc, uppers, output=OUTPUT / "qianjiang_report.html", xlsx=OUTPUT / "qianjiang_tables.xlsx"
)
print("wrote", path, f"({path.stat().st_size // 1024} KB)")
