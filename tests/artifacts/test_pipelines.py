"""The pipeline reader: real DVC, KFP, Airflow, Kedro, ZenML and Metaflow files; hostile bytes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpolicy.artifacts import pipeline_python, pipelines
from mlpolicy.project import Project, Repository
from mlpolicy.settings import Settings

RECOGNISED = [
    ("dvc/dvc.yaml", "dvc"),
    ("kfp/churn_pipeline.yaml", "kfp-ir"),
    ("kfp/pipeline.py", "kfp"),
    ("airflow/churn_training_dag.py", "airflow"),
    ("kedro/src/churn_kedro/pipelines/training/pipeline.py", "kedro"),
    ("zenml/churn_pipeline.py", "zenml"),
    ("metaflow/churn_flow.py", "metaflow"),
]
NOT_PIPELINES = [
    "airflow/test_dag_integrity.py",
    "kedro/src/churn_kedro/pipeline_registry.py",
    "kedro/src/churn_kedro/settings.py",
    "kedro/conf/base/catalog.yml",
    "zenml/run_config.yaml",
    "junit/test_pipeline.py",
    "great_expectations/gx_run.py",
]


def _parse(name: str, text: str) -> tuple[str, list[tuple[str, int | None]]] | None:
    parsed = pipelines.parse(name, text.encode())
    if isinstance(parsed, pipelines.NotPipeline):
        return None
    return parsed[0], [(d.message, d.line) for d in parsed[1]]


@pytest.mark.parametrize(("sample", "format_name"), RECOGNISED)
def test_real_samples_are_recognised_and_valid(sample: str, format_name: str) -> None:
    path = SAMPLES / sample
    assert pipelines.parse(path.name, path.read_bytes()) == (format_name, ())


@pytest.mark.parametrize("sample", NOT_PIPELINES)
def test_other_python_and_yaml_files_are_not_pipelines(sample: str) -> None:
    path = SAMPLES / sample
    assert isinstance(pipelines.parse(path.name, path.read_bytes()), pipelines.NotPipeline)


def test_dvc_stage_problems_point_at_their_keys() -> None:
    text = (
        "stages:\n"
        "  prepare:\n"
        "    cmd: python prepare.py\n"
        "    dep: [data/raw.csv]\n"
        "  train:\n"
        "    deps: data/prepared\n"
        "  sweep:\n"
        "    foreach: [a, b]\n"
        "  grid:\n"
        "    matrix: {lr: [0.1, 0.01]}\n"
        "    cmd: python train.py --lr ${item.lr}\n"
        "    frozen: yes please\n"
        "outputs: [model.pkl]\n"
    )
    assert _parse("dvc.yaml", text) == (
        "dvc",
        [
            ('unknown key "outputs" in dvc.yaml', 13),
            ('unknown key "dep" in stage prepare; did you mean "deps"?', 4),
            ("stage train has no `cmd`", 5),
            ('"deps" must be a list of paths', 6),
            ("foreach stage sweep needs a `do` mapping", 7),
            ('"frozen" must be true or false', 12),
        ],
    )


def test_dvc_foreach_do_and_list_commands_are_valid() -> None:
    text = (
        "vars: [params.yaml]\n"
        "stages:\n"
        "  build:\n"
        "    foreach: [us, eu]\n"
        "    do:\n"
        "      cmd:\n"
        "        - python build.py ${item}\n"
        "        - echo done\n"
        "      outs:\n"
        "        - model-${item}.pkl:\n"
        "            cache: false\n"
    )
    assert _parse("dvc.yaml", text) == ("dvc", [])


def test_dvc_without_stages_or_unparseable() -> None:
    assert _parse("dvc.yaml", "plots: [a.json]\n") == ("dvc", [("dvc.yaml defines no stages", 1)])
    assert _parse("dvc.yaml", "stages:\n  a: [\n") == (
        "dvc",
        [(_yaml_error("stages:\n  a: [\n"), 3)],
    )
    assert _parse("dvc.yaml", "- a\n") == (
        "dvc",
        [("dvc.yaml must be a mapping with a `stages` key", 1)],
    )


def _yaml_error(text: str) -> str:
    parsed = pipelines.parse("dvc.yaml", text.encode())
    assert not isinstance(parsed, pipelines.NotPipeline)
    return parsed[1][0].message


def test_kfp_ir_with_dangling_references() -> None:
    text = (
        "pipelineInfo: {name: churn}\n"
        "schemaVersion: 2.1.0\n"
        "components:\n"
        "  comp-train: {executorLabel: exec-train}\n"
        "deploymentSpec: {executors: {}}\n"
        "root:\n"
        "  dag:\n"
        "    tasks:\n"
        "      train: {componentRef: {name: comp-train}, dependentTasks: [prepare]}\n"
        "      score: {componentRef: {name: comp-score}}\n"
    )
    assert _parse("pipeline.yaml", text) == (
        "kfp-ir",
        [
            ('task train depends on "prepare", which is not a task of this dag', 9),
            ('task score: component "comp-score" is not defined', 10),
            ('component comp-train: executor "exec-train" is not in `deploymentSpec.executors`', 4),
        ],
    )


def test_kfp_ir_with_a_platform_spec_document_reads_the_pipeline() -> None:
    sample = (SAMPLES / "kfp" / "churn_pipeline.yaml").read_text(encoding="utf-8")
    text = sample + "---\nplatforms:\n  kubernetes: {}\n"
    assert _parse("churn_pipeline.yaml", text) == ("kfp-ir", [])


ARGO = Path(__file__).parent.parent / "fixtures" / "argo"


@pytest.mark.parametrize(
    "name", ["dag-diamond.yaml", "cron-workflow.yaml", "clustertemplates.yaml"]
)
def test_real_argo_workflows_are_pipelines(name: str) -> None:
    assert pipelines.parse(name, (ARGO / name).read_bytes()) == ("argo", ())


def test_argo_defects_point_at_their_line_in_any_document() -> None:
    text = (
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "data: {a: b}\n"
        "---\n"
        "apiVersion: argoproj.io/v1alpha1\n"
        "kind: Workflow\n"
        "spec:\n"
        "  entrypoint: main\n"
        "  templates:\n"
        "  - name: diamond\n"
        "    dag:\n"
        "      tasks:\n"
        "      - {name: a, template: echo}\n"
        "      - {name: b, templateRef: {name: other, template: x}}\n"
        "---\n"
        "apiVersion: argoproj.io/v1alpha1\n"
        "kind: WorkflowTemplate\n"
        "spec:\n"
        "  templates: []\n"
    )
    assert _parse("wf.yaml", text) == (
        "argo",
        [
            ('entrypoint "main" is not a template of this workflow', 8),
            ('task a: template "echo" is not defined in this workflow', 13),
            ("WorkflowTemplate defines no `templates`", 19),
        ],
    )


def test_argo_workflow_without_entrypoint_or_spec() -> None:
    head = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n"
    assert _parse("a.yaml", head + "spec:\n  templates: [{name: a, container: {}}]\n") == (
        "argo",
        [("Workflow has no `entrypoint`", 3)],
    )
    assert _parse("a.yaml", head + "metadata: {name: x}\n") == (
        "argo",
        [("Workflow needs a `spec` mapping", 1)],
    )
    ref = head + "spec:\n  workflowTemplateRef: {name: train}\n"
    assert _parse("a.yaml", ref) == ("argo", [])


def test_other_yaml_says_why_it_is_no_pipeline() -> None:
    parsed = pipelines.parse("config.yaml", b"learning_rate: 0.1\n---\nbatch: 32\n")
    assert isinstance(parsed, pipelines.NotPipeline)
    assert parsed.reason.startswith("YAML with no recognised pipeline keys")


def test_python_syntax_error_has_its_line() -> None:
    assert _parse("dag.py", "from airflow import DAG\n\ndef broken(:\n") == (
        "python",
        [("Python syntax error: invalid syntax", 3)],
    )


@pytest.mark.parametrize(
    ("source", "format_name"),
    [
        ("import airflow\nwith airflow.DAG('x'):\n    pass\n", "airflow"),
        ("from airflow.models.dag import DAG as D\nD('x')\n", "airflow"),
        ("from kedro.pipeline import node, pipeline\np = pipeline([node(f, 'a', 'b')])\n", "kedro"),
        ("import kfp.dsl as dsl\n@dsl.pipeline(name='x')\ndef p():\n    pass\n", "kfp"),
        ("from kfp.dsl import *\n@component\ndef c():\n    pass\n@pipeline\ndef p(): c()\n", "kfp"),
        ("from zenml import pipeline\n@pipeline\ndef s():\n    pass\n", "zenml"),
        (
            "from zenml.pipelines import pipeline\n@pipeline(enable_cache=False)\ndef s(): pass\n",
            "zenml",
        ),
        (
            "from airflow.decorators import dag\n@dag(schedule=None)\ndef d():\n    pass\n",
            "airflow",
        ),
        ("from airflow.sdk import DAG\nwith DAG('x') as d:\n    pass\n", "airflow"),
        (
            "from metaflow import step\nfrom obproject import ProjectFlow\n"
            "class Etl(ProjectFlow):\n    @step\n    def start(self): self.next(self.end)\n"
            "    @step\n    def end(self): pass\n",
            "metaflow",
        ),
        (
            "from kedro.pipeline import Pipeline, node\ndef create_pipeline(**kw):\n"
            "    return Pipeline([node(f, 'a', 'b')])\n",
            "kedro",
        ),
    ],
)
def test_python_frameworks_are_recognised_by_their_imports(source: str, format_name: str) -> None:
    assert _parse("p.py", source) == (format_name, [])


@pytest.mark.parametrize(
    "source",
    [
        "class DAG:\n    pass\n\nDAG()\n",  # a local DAG, not Airflow's
        "from dagster import job\n@job\ndef j():\n    pass\n",
        "from airflow.models import DagBag\nDagBag('dags')\n",
        "import metaflow\nclass Flow:\n    pass\n",
        "",
    ],
)
def test_lookalikes_are_not_pipelines(source: str) -> None:
    assert _parse("p.py", source) is None


@pytest.mark.parametrize(
    ("source", "found"),
    [
        (
            "from kfp import dsl\n@dsl.component(base_image='python:3.11')\ndef c():\n"
            "    pass\n@dsl.container_component\ndef d():\n    pass\n",
            "found only @dsl.component functions",
        ),
        ("from zenml import step\n@step\ndef s():\n    pass\n", "found only ZenML @step"),
        ("from kedro.pipeline import node\nn = node(f, 'a', 'b')\n", "found only Kedro node"),
        ("from airflow.decorators import task\n@task\ndef t():\n    pass\n", "Airflow @task"),
        ("def featurize(frame):\n    return frame\n", "no Airflow DAG, Kedro pipeline"),
    ],
)
def test_parts_of_a_pipeline_alone_are_not_one_and_say_why(source: str, found: str) -> None:
    parsed = pipelines.parse("parts.py", source.encode())
    assert isinstance(parsed, pipelines.NotPipeline)
    assert parsed.reason.startswith("Python file defines no pipeline") and found in parsed.reason


def test_metaflow_flow_needs_start_and_end() -> None:
    source = (
        "from metaflow import FlowSpec, step\n"
        "class Train(FlowSpec):\n"
        "    @step\n"
        "    def start(self):\n"
        "        self.next(self.train)\n"
        "    @step\n"
        "    def train(self):\n"
        "        pass\n"
    )
    assert _parse("flow.py", source) == ("metaflow", [('Metaflow flow Train has no "end" step', 2)])


def test_hostile_python_is_invalid_not_a_crash() -> None:
    for source in ("a." * 100_000 + "b", "(" * 100_000, "x = 1\0", "-" * 100_000 + "1"):
        parsed = pipelines.parse("evil.py", source.encode())
        assert parsed is not None and parsed[0] == "python" and parsed[1]


def test_oversized_file_is_invalid() -> None:
    parsed = pipelines.parse("dvc.yaml", b"#" * (pipelines.MAX_BYTES + 1))
    assert parsed is not None and "larger than" in parsed[1][0].message


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["dvc.yaml", "p.yaml", "p.yml", "p.py", "x.txt"]))
def test_arbitrary_bytes_never_raise(data: bytes, name: str) -> None:
    pipelines.parse(name, data)


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10))
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    [
        "stages",
        "cmd",
        "deps",
        "outs",
        "foreach",
        "do",
        "matrix",
        "pipelineInfo",
        "root",
        "dag",
        "tasks",
        "components",
        "componentRef",
        "name",
        "executorLabel",
        "deploymentSpec",
        "executors",
        "dependentTasks",
        "schemaVersion",
    ]
)
_SHAPED = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(_VALUES, _SHAPED), st.sampled_from(["dvc.yaml", "pipeline.yaml"]))
def test_arbitrary_yaml_documents_never_raise(value: object, name: str) -> None:
    import json

    pipelines.parse(name, json.dumps(value).encode())


_PY_WORDS = st.sampled_from(
    [
        "from airflow import DAG\n",
        "from kfp import dsl\n",
        "import metaflow\n",
        "@dsl.pipeline\n",
        "class F(metaflow.FlowSpec):\n",
        "    @metaflow.step\n",
        "    def start(self): pass\n",
        "def f():\n",
        "    pass\n",
        "DAG(\n",
        ")\n",
        "@step\n",
        "from zenml import *\n",
        "x.y.z()\n",
    ]
)

# Imports, calls and definitions nested in functions, classes, arguments and comprehensions.
_NESTED_WORDS = st.sampled_from(
    [
        "def g(a=DAG(x), *b):\n",
        "    import airflow as DAG\n",
        "    from kedro.pipeline import pipeline\n",
        "    return [pipeline(n(i)) for i in f(a)]\n",
        "class C(B(), metaclass=M):\n",
        "    @d.e(f(g()))\n",
        "    async def h(self): await k(lambda: m())\n",
        "x = {a: b(c) for a in d if e(a)}\n",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PY_WORDS, max_size=12) | st.text(max_size=300).map(lambda t: [t]))
def test_arbitrary_python_never_raises(lines: list[str]) -> None:
    pipelines.parse("p.py", "".join(lines).encode("utf-8", "surrogatepass"))


@settings(max_examples=150, deadline=None)
@given(st.lists(_PY_WORDS | _NESTED_WORDS, max_size=16))
def test_the_survey_sees_what_a_full_walk_sees_in_its_order(lines: list[str]) -> None:
    try:
        tree = ast.parse("".join(lines))
    except SyntaxError:
        return
    survey = pipeline_python._Survey(tree)
    walked = list(ast.walk(tree))
    assert survey.callees == [n.func for n in walked if isinstance(n, ast.Call)]
    assert survey.imports == [n for n in walked if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert survey.defs == [n for n in walked if isinstance(n, pipeline_python._DEFS)]
    assert survey.classes == [n for n in walked if isinstance(n, ast.ClassDef)]


@pytest.mark.parametrize(
    "source",
    [
        "from \uff41\uff49\uff52\uff46\uff4c\uff4f\uff57 import DAG\nDAG('x')\n",  # NFKC
        "# coding: utf-7\nfrom +AGE-irflow import DAG\nDAG('x')\n",
    ],
)
def test_a_framework_spelled_otherwise_is_still_recognised(source: str) -> None:
    assert _parse("p.py", source) == ("airflow", [])


# -- discovery in a project ------------------------------------------------------------


def _project(root: Path, manifest: str, files: dict[str, bytes | str]) -> Project:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mlpolicy.yaml").write_text(manifest, encoding="utf-8")
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return Project(Repository.containing(root, False), root / "mlpolicy.yaml", Settings())


def test_defaults_read_dvc_and_the_pipelines_directory_once(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        "version: 1\nphase: pipeline\n",
        {
            "dvc.yaml": (SAMPLES / "dvc" / "dvc.yaml").read_bytes(),
            "pipelines/dags/churn.py": (SAMPLES / "airflow" / "churn_training_dag.py").read_bytes(),
            "pipelines/helpers.py": "def helper():\n    return 1\n",
            "pipelines/broken.py": "def broken(:\n",
            "pipelines/__pycache__/x.py": "from airflow import DAG\nDAG('x')\n",
            "pipelines/config.yaml": "learning_rate: 0.1\n",
        },
    )
    found = pipelines.read(project)
    assert pipelines.read(project) is found
    assert [(d.rel, d.format, d.status) for d in found.definitions] == [
        ("dvc.yaml", "dvc", "ok"),
        ("pipelines/broken.py", "python", "invalid"),
        ("pipelines/dags/churn.py", "airflow", "ok"),
    ]
    assert found.absent == () and not found.declared
    assert [(u.rel, u.reason[:35]) for u in found.unrecognised] == [
        ("pipelines/config.yaml", "YAML with no recognised pipeline ke"),
        ("pipelines/helpers.py", "Python file defines no pipeline (no"),
    ]
    assert {a.path: a.status for a in project.artifacts.values()} == {
        "dvc.yaml": "ok",
        "pipelines/broken.py": "invalid",
        "pipelines/dags/churn.py": "ok",
        "pipelines/config.yaml": "unrecognised",
        "pipelines/helpers.py": "unrecognised",
    }


def test_the_frameworks_scaffolds_are_default_locations(tmp_path: Path) -> None:
    kedro = SAMPLES / "kedro" / "src" / "churn_kedro"
    project = _project(
        tmp_path,
        "version: 1\nphase: pipeline\n",
        {
            "dags/churn.py": (SAMPLES / "airflow" / "churn_training_dag.py").read_bytes(),
            "dags/common/util.py": "RETRIES = 3\n",
            "src/churn/pipelines/training/pipeline.py": (
                kedro / "pipelines" / "training" / "pipeline.py"
            ).read_bytes(),
            "src/churn/pipelines/training/__init__.py": "",
            "src/churn/pipeline_registry.py": (kedro / "pipeline_registry.py").read_bytes(),
            "flows/churn_flow.py": (SAMPLES / "metaflow" / "churn_flow.py").read_bytes(),
            "flows/zen.py": (SAMPLES / "zenml" / "churn_pipeline.py").read_bytes(),
        },
    )
    found = pipelines.read(project)
    assert [(d.rel, d.format, d.status) for d in found.definitions] == [
        ("dags/churn.py", "airflow", "ok"),
        ("src/churn/pipelines/training/pipeline.py", "kedro", "ok"),
        ("flows/churn_flow.py", "metaflow", "ok"),
        ("flows/zen.py", "zenml", "ok"),
    ]
    assert [u.rel for u in found.unrecognised] == [
        "dags/common/util.py",
        "src/churn/pipelines/training/__init__.py",
    ]


def test_declared_paths_missing_empty_and_unrecognised(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        "version: 1\nphase: pipeline\nartifacts:\n  pipelines:\n"
        "    - dvc.yaml\n    - flows/\n    - src/train.py\n    - kfp/\n",
        {
            "flows/util.py": "x = 1\n",
            "src/train.py": "print('training')\n",
            "kfp/churn.yaml": (SAMPLES / "kfp" / "churn_pipeline.yaml").read_bytes(),
        },
    )
    found = pipelines.read(project)
    assert [(a.rel, a.reason[:41], a.location.line) for a in found.absent] == [
        ("dvc.yaml", "does not exist", 5),
        ("flows", "holds no recognised pipeline definition", 6),
        ("src/train.py", "is not recognised: Python file defines no", 7),
    ]
    assert [u.rel for u in found.absent[1].looked_at] == ["flows/util.py"]
    assert [(d.rel, d.format, d.status) for d in found.definitions] == [
        ("kfp/churn.yaml", "kfp-ir", "ok"),
    ]
    statuses = {path: a.status for (_, path), a in project.artifacts.items()}
    assert statuses == {
        "kfp/churn.yaml": "ok",
        "flows/util.py": "unrecognised",
        "src/train.py": "unrecognised",
        "dvc.yaml": "missing",
        "flows": "missing",
    }


def test_nothing_found(tmp_path: Path) -> None:
    project = _project(tmp_path, "version: 1\nphase: pipeline\n", {"README.md": "# x\n"})
    found = pipelines.read(project)
    assert found.definitions == () and found.absent == ()


def test_symlink_leading_outside_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("from airflow import DAG\nDAG('x')\n", encoding="utf-8")
    project = _project(tmp_path / "repo", "version: 1\nphase: pipeline\n", {})
    (tmp_path / "repo" / "pipelines").mkdir()
    (tmp_path / "repo" / "pipelines" / "dag.py").symlink_to(outside)
    assert pipelines.read(project).definitions == ()
    assert any("symlink" in p.message for p in project.escapes.values())
