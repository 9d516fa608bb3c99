"""Scale-out: run the text pipeline (redaction, auto-coding, sentiment) on Apache Spark.

``mindthegap.scale.spark`` runs the very same ``mindthegap.text.pipeline.process_frame`` that the single-machine
command uses, batch by batch inside Spark's ``mapInPandas``, so the two engines give identical results. pyspark
is optional (the ``spark`` extra) and is imported only when this subpackage's functions are called.
This layer may import ``text`` and ``io`` only.
"""
