"""Offline batch scoring: a model artifact applied to a DataFrame on Spark.

The inputs come from the artifact's saved DSL compiled to Spark Columns (with
the statistics frozen at training), so batch scores equal online scores for the
same inputs. The frame needs the DSL's request fields and one column per
feature view (`restaurant__prep_time_mean_1h`, see fresco.dsl.compile_spark).
"""

from __future__ import annotations


from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fresco.dsl.compile_spark import compile_spark
from fresco.models.artifact import load_artifact


def score(frame: DataFrame, artifact_uri: str, keep: list[str]) -> DataFrame:
    """`keep` columns plus `prediction`, `model_uuid`."""
    model = load_artifact(artifact_uri)
    names = model.config.feature_names
    inputs = frame.select(*keep, *[c for _, c in compile_spark(model.config.program, model.config.dsl.stats)])

    def predict(batches):
        scorer = load_artifact(artifact_uri)  # per executor: boosters do not pickle cheaply
        for pdf in batches:
            matrix = pdf[names].astype("float64").to_numpy()
            out = pdf[keep].copy()
            out["prediction"] = scorer.booster.inplace_predict(matrix.astype("float32")).astype("float64")
            yield out

    schema = inputs.select(*keep).schema.add("prediction", "double")
    return (inputs.mapInPandas(predict, schema)
            .withColumn("model_uuid", F.lit(model.model_uuid)))



