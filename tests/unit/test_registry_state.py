import json

from fresco.features.definitions import PREP_TIME_MEAN_1H
from fresco.registry.events import new_event
from fresco.registry.state import PlatformState
from streams.avro import SingleObjectCodec, load


def _model(uuid, name="etd"):
    return new_event("ModelRegistered", name, {
        "model_uuid": uuid, "model_name": name, "run_id": "run", "artifact_uri": f"/a/{uuid}.zip",
        "config_json": json.dumps({"inputs": []}), "features": ["x"], "datasets": {}, "metrics": {"rmse": 1.0},
        "feature_importance": {"x": 1.0}}, "test")


def test_versions_deployments_and_dedupe():
    events = [
        new_event("FeatureViewDefined", PREP_TIME_MEAN_1H.name, PREP_TIME_MEAN_1H.to_payload(), "test"),
        _model("u1"), _model("u2"),
        new_event("ModelDeployed", "etd@prod", {"model_name": "etd", "tag": "prod", "model_uuid": "u1",
                                                "previous_uuid": None}, "test"),
        new_event("ModelDeployed", "etd@prod", {"model_name": "etd", "tag": "prod", "model_uuid": "u2",
                                                "previous_uuid": "u1"}, "test"),
        new_event("ModelDeployed", "etd@prod", {"model_name": "etd", "tag": "prod", "model_uuid": "nope",
                                                "previous_uuid": "u2"}, "test"),
    ]
    state = PlatformState.build(events + events[:2])  # replayed duplicates are ignored
    assert [m.version for m in state.model_versions("etd")] == [1, 2]
    assert state.deployed("etd", "prod").model_uuid == "u2"
    assert len(state.rejected) == 1 and "unknown model nope" in state.rejected[0][1]
    assert state.feature_view(PREP_TIME_MEAN_1H.name) == PREP_TIME_MEAN_1H
    assert state.applied == len(events) - 1


def test_redefining_a_view_versions_only_real_changes():
    from dataclasses import replace
    changed = replace(PREP_TIME_MEAN_1H, description="changed")
    events = [new_event("FeatureViewDefined", v.name, v.to_payload(), "t")
              for v in (PREP_TIME_MEAN_1H, PREP_TIME_MEAN_1H, changed)]
    state = PlatformState.build(events)
    assert [v.version for v in state.features[PREP_TIME_MEAN_1H.name]] == [1, 2]


def test_every_event_type_roundtrips_through_avro():
    codec = SingleObjectCodec(load("platform/platform_event"))
    from datetime import datetime, timezone
    t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    payloads = {
        "FeatureViewDefined": PREP_TIME_MEAN_1H.to_payload(),
        "BackfillCompleted": {"feature_view": "a.b", "start": t, "end": t, "rows": 3, "online_rows": 1,
                              "table_uri": "/x"},
        "TrainingCompleted": {"run_id": "r", "model_name": "m", "datasets": {"a": "b"}, "params": {},
                              "metrics": {"rmse": 1.0}},
        "ModelRegistered": _model("u9").payload,
        "ModelDeployed": {"model_name": "m", "tag": "t", "model_uuid": "u", "previous_uuid": None},
        "AlertRaised": {"alert": "live_rmse", "severity": "WARNING", "message": "m", "value": 2.0,
                        "threshold": 1.0},
    }
    for event_type, payload in payloads.items():
        event = new_event(event_type, "s", payload, "t")
        from fresco.registry.events import PlatformEvent
        back = PlatformEvent.from_record(codec.decode(codec.encode(event.to_record())))
        assert back.event_type == event_type and back.payload == payload
