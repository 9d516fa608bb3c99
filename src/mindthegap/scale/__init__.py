"""Engines that run the text pipeline (redaction, auto-coding, sentiment) over files of comments.

``mindthegap.scale.local`` streams a CSV or Parquet file through ``mindthegap.text.pipeline.process_frame`` on
this machine; ``mindthegap.scale.spark`` runs the very same function batch by batch inside Spark's
``mapInPandas``, so the two engines give identical results. pyspark is optional (the ``spark`` extra) and is
imported only when the Spark engine's functions are called. This layer may import ``text`` and ``io`` only.
"""
