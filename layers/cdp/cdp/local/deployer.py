"""Deploy template.yaml onto the embedded emulator (or any endpoint) the way CloudFormation would.

The SAM template is translated with aws-sam-translator (as `sam deploy` does), intrinsic functions
are resolved, and each resource is created with boto3 in dependency order. A resource type without a
handler here fails the deployment loudly, so the local stack cannot drift away from template.yaml.
"""

from __future__ import annotations

import copy
import io
import json
import re
import secrets
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

from cdp.local.emulator import ACCOUNT_ID, EmbeddedAws
from cdp.local.invoker import LocalFunction

ARTIFACTS = "local-artifacts"


class DeployError(RuntimeError):
    """The template cannot be deployed locally; the message names the resource."""


class _NoManagedPolicies:
    """aws-sam-translator asks IAM for managed policy names; SAM policy templates need none."""

    def load(self) -> dict[str, str]:
        return {}


def prepare(template: dict[str, Any], root: Path) -> dict[str, Any]:
    """What `sam package` does to local paths: code URIs become S3 URIs (mapped back to folders by the
    deployer) and state machine definitions are inlined."""
    prepared = copy.deepcopy(template)
    for resource in prepared.get("Resources", {}).values():
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                props[key] = f"s3://{ARTIFACTS}/{props[key].strip('/')}"
        if isinstance(props.get("DefinitionUri"), str):
            props["Definition"] = json.loads((root / props.pop("DefinitionUri")).read_text(encoding="utf-8"))
    return prepared


def translate(template_path: Path, region: str) -> dict[str, Any]:
    """The CloudFormation template SAM would deploy."""
    import os

    os.environ.setdefault("AWS_DEFAULT_REGION", region)
    template = yaml_parse(template_path.read_text(encoding="utf-8"))
    return transform(prepare(template, template_path.parent), {}, _NoManagedPolicies())


def _references(node: Any) -> set[str]:
    """Logical ids a node refers to (Ref, GetAtt, ${} in Sub)."""
    found: set[str] = set()
    if isinstance(node, dict):
        if "Ref" in node and isinstance(node["Ref"], str):
            found.add(node["Ref"])
        if "Fn::GetAtt" in node:
            target = node["Fn::GetAtt"]
            found.add(target[0] if isinstance(target, list) else target.split(".")[0])
        if "Fn::Sub" in node:
            sub = node["Fn::Sub"]
            text = sub if isinstance(sub, str) else sub[0]
            found |= {name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text)}
        for value in node.values():
            found |= _references(value)
    elif isinstance(node, list):
        for value in node:
            found |= _references(value)
    return found


def deployment_order(resources: Mapping[str, Any]) -> list[str]:
    """Logical ids ordered so that every resource comes after those it references or depends on."""
    deps = {}
    for name, resource in resources.items():
        depends = resource.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else depends
        deps[name] = (
            {d for d in _references(resource.get("Properties", {})) if d in resources} | set(depends)
        ) - {name}
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order:
            return
        if name in visiting:
            raise DeployError(f"circular dependency through {name}")
        visiting.add(name)
        for dep in sorted(deps[name]):
            visit(dep)
        visiting.discard(name)
        order.append(name)

    for name in sorted(resources):
        visit(name)
    return order


@dataclass
class Stack:
    """What a deployment created: physical ids, attributes and local functions."""

    name: str
    region: str
    parameters: dict[str, str]
    physical: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    functions: dict[str, LocalFunction] = field(default_factory=dict)
    api_routes: list[dict[str, Any]] = field(default_factory=list)
    api_keys: list[str] = field(default_factory=list)
    queue_sources: list[dict[str, Any]] = field(default_factory=list)

    def of_type(self, resource_type: str) -> dict[str, str]:
        """Logical id -> physical id of every resource of one type."""
        return {name: self.physical[name] for name, t in self.types.items() if t == resource_type}

    def function(self, logical_id: str) -> LocalFunction:
        """The local function of a logical id."""
        return self.functions[logical_id]


class Resolver:
    """Resolves CloudFormation intrinsic functions against parameters and created resources."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.pseudo = {
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::Region": stack.region,
            "AWS::StackName": stack.name,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": None,
            "AWS::StackId": f"arn:aws:cloudformation:{stack.region}:{ACCOUNT_ID}:stack/{stack.name}/local",
        }

    def ref(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.stack.parameters:
            return self.stack.parameters[name]
        if name in self.stack.physical:
            return self.stack.physical[name]
        raise DeployError(f"Ref to {name}, which is not created yet")

    def get_att(self, name: str, attribute: str) -> Any:
        try:
            return self.stack.attributes[name][attribute]
        except KeyError as error:
            raise DeployError(f"Fn::GetAtt {name}.{attribute} is not available locally") from error

    def sub(self, text: str, variables: Mapping[str, Any]) -> str:
        def replace(match: re.Match[str]) -> str:
            token = match.group(1)
            if token.startswith("!"):
                return "${" + token[1:] + "}"
            if token in variables:
                return str(variables[token])
            if "." in token:
                name, attribute = token.split(".", 1)
                return str(self.get_att(name, attribute))
            return str(self.ref(token))

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def resolve(self, node: Any) -> Any:
        if isinstance(node, list):
            return [v for v in (self.resolve(v) for v in node) if v is not None]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, value),) = node.items()
            if key == "Ref":
                return self.ref(value)
            if key == "Fn::GetAtt":
                name, attribute = value if isinstance(value, list) else value.split(".", 1)
                return self.get_att(name, attribute)
            if key == "Fn::Sub":
                if isinstance(value, str):
                    return self.sub(value, {})
                return self.sub(value[0], self.resolve(value[1]))
            if key == "Fn::Join":
                return value[0].join(str(v) for v in self.resolve(value[1]))
            if key == "Fn::Select":
                return self.resolve(value[1])[int(self.resolve(value[0]))]
            if key == "Fn::If":
                raise DeployError("Fn::If is not supported by the local deployer")
        return {k: v for k, v in ((k, self.resolve(v)) for k, v in node.items()) if v is not None}


def _placeholder_zip(note: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("LOCAL.txt", note)
    return buffer.getvalue()


class Deployer:
    """Creates a translated template's resources on an endpoint, with one handler per resource type."""

    def __init__(
        self,
        aws: EmbeddedAws,
        root: Path,
        stack_name: str = "cdp",
        parameters: Mapping[str, str] | None = None,
        environment_overrides: Mapping[str, str] | None = None,
    ) -> None:
        self.aws = aws
        self.root = root
        self.stack = Stack(stack_name, aws.region, {})
        self.parameter_overrides = dict(parameters or {})
        self.environment_overrides = dict(environment_overrides or {})
        self.handlers: dict[str, Callable[[str, dict[str, Any]], None]] = {
            "AWS::S3::Bucket": self._bucket,
            "AWS::IAM::Role": self._role,
            "AWS::Lambda::LayerVersion": self._layer,
            "AWS::Lambda::Function": self._function,
            "AWS::Lambda::Permission": self._permission,
            "AWS::Lambda::EventSourceMapping": self._event_source_mapping,
            "AWS::SQS::Queue": self._queue,
            "AWS::CloudWatch::Alarm": self._alarm,
            "AWS::StepFunctions::StateMachine": self._state_machine,
            "AWS::Events::Rule": self._rule,
            "AWS::ApiGateway::RestApi": self._rest_api,
            "AWS::ApiGateway::Deployment": self._api_deployment,
            "AWS::ApiGateway::Stage": self._api_stage,
            "AWS::ApiGateway::ApiKey": self._api_key,
            "AWS::ApiGateway::UsagePlan": self._usage_plan,
            "AWS::ApiGateway::UsagePlanKey": self._usage_plan_key,
            "AWS::Glue::Database": self._glue_database,
            "AWS::Glue::Table": self._glue_table,
            "AWS::DynamoDB::Table": self._dynamodb_table,
            "AWS::SecretsManager::Secret": self._secret,
            "AWS::Athena::WorkGroup": self._workgroup,
            "AWS::Athena::NamedQuery": self._named_query,
        }

    # ------------------------------------------------------------------ driver
    def deploy(self, template_path: Path) -> Stack:
        """Translate and create every resource; returns the stack."""
        translated = translate(template_path, self.aws.region)
        params = {
            name: str(self.parameter_overrides.get(name, spec.get("Default", "")))
            for name, spec in translated.get("Parameters", {}).items()
        }
        unknown = set(self.parameter_overrides) - set(params)
        if unknown:
            raise DeployError(f"unknown parameter(s): {', '.join(sorted(unknown))}")
        self.stack.parameters = params
        resources = translated["Resources"]
        missing = sorted({r["Type"] for r in resources.values()} - set(self.handlers))
        if missing:
            raise DeployError(f"resource types the local deployer cannot create: {', '.join(missing)}")
        resolver = Resolver(self.stack)
        for name in deployment_order(resources):
            resource = resources[name]
            try:
                properties = resolver.resolve(resource.get("Properties", {}))
                self.stack.types[name] = resource["Type"]
                self.handlers[resource["Type"]](name, properties)
            except DeployError:
                raise
            except Exception as error:
                raise DeployError(f"{name} ({resource['Type']}): {error}") from error
        return self.stack

    def _set(self, name: str, physical: str, **attributes: str) -> None:
        self.stack.physical[name] = physical
        self.stack.attributes[name] = attributes

    def _name(self, logical: str, limit: int = 64) -> str:
        return f"{self.stack.name}-{logical}"[:limit]

    # ------------------------------------------------------------------ storage
    def _bucket(self, name: str, p: dict[str, Any]) -> None:
        s3 = self.aws.client("s3")
        bucket = p.get("BucketName") or self._name(name).lower()
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": self.aws.region})
        if p.get("VersioningConfiguration", {}).get("Status") == "Enabled":
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        if "BucketEncryption" in p:
            s3.put_bucket_encryption(
                Bucket=bucket,
                ServerSideEncryptionConfiguration={
                    "Rules": [
                        {
                            "ApplyServerSideEncryptionByDefault": {
                                "SSEAlgorithm": r["ServerSideEncryptionByDefault"]["SSEAlgorithm"]
                            }
                        }
                        for r in p["BucketEncryption"]["ServerSideEncryptionConfiguration"]
                    ]
                },
            )
        if "PublicAccessBlockConfiguration" in p:
            s3.put_public_access_block(
                Bucket=bucket, PublicAccessBlockConfiguration=p["PublicAccessBlockConfiguration"]
            )
        lambdas = p.get("NotificationConfiguration", {}).get("LambdaConfigurations", [])
        if lambdas:
            s3.put_bucket_notification_configuration(
                Bucket=bucket,
                NotificationConfiguration={
                    "LambdaFunctionConfigurations": [
                        {
                            "LambdaFunctionArn": c["Function"],
                            "Events": [c["Event"]],
                            **({"Filter": c["Filter"]} if "Filter" in c else {}),
                        }
                        for c in lambdas
                    ]
                },
            )
        self._set(name, bucket, Arn=f"arn:aws:s3:::{bucket}", DomainName=f"{bucket}.s3.amazonaws.com")

    def _dynamodb_table(self, name: str, p: dict[str, Any]) -> None:
        ddb = self.aws.client("dynamodb")
        table = p.get("TableName") or self._name(name)
        arn = ddb.create_table(
            TableName=table,
            AttributeDefinitions=p["AttributeDefinitions"],
            KeySchema=p["KeySchema"],
            BillingMode=p.get("BillingMode", "PAY_PER_REQUEST"),
        )["TableDescription"]["TableArn"]
        if "TimeToLiveSpecification" in p:
            ddb.update_time_to_live(TableName=table, TimeToLiveSpecification=p["TimeToLiveSpecification"])
        self._set(name, table, Arn=arn)

    def _queue(self, name: str, p: dict[str, Any]) -> None:
        sqs = self.aws.client("sqs")
        queue = p.get("QueueName") or self._name(name, 80)
        attributes = {
            key: json.dumps(p[key])
            if key == "RedrivePolicy"
            else str(p[key]).lower()
            if isinstance(p[key], bool)
            else str(p[key])
            for key in (
                "VisibilityTimeout",
                "MessageRetentionPeriod",
                "SqsManagedSseEnabled",
                "RedrivePolicy",
            )
            if key in p
        }
        url = sqs.create_queue(QueueName=queue, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self._set(name, url, Arn=arn, QueueName=queue, QueueUrl=url)

    def _alarm(self, name: str, p: dict[str, Any]) -> None:
        alarm = p.get("AlarmName") or self._name(name, 255)
        self.aws.client("cloudwatch").put_metric_alarm(
            AlarmName=alarm,
            AlarmDescription=p.get("AlarmDescription", ""),
            Namespace=p["Namespace"],
            MetricName=p["MetricName"],
            Dimensions=p.get("Dimensions", []),
            Statistic=p["Statistic"],
            Period=int(p["Period"]),
            EvaluationPeriods=int(p["EvaluationPeriods"]),
            Threshold=float(p["Threshold"]),
            ComparisonOperator=p["ComparisonOperator"],
            TreatMissingData=p.get("TreatMissingData", "missing"),
            AlarmActions=p.get("AlarmActions", []),
        )
        self._set(name, alarm, Arn=f"arn:aws:cloudwatch:{self.aws.region}:{ACCOUNT_ID}:alarm:{alarm}")

    def _secret(self, name: str, p: dict[str, Any]) -> None:
        generate = p.get("GenerateSecretString", {})
        value = p.get("SecretString") or secrets.token_urlsafe(generate.get("PasswordLength", 32))
        arn = self.aws.client("secretsmanager").create_secret(
            Name=p.get("Name") or self._name(name), SecretString=value, Description=p.get("Description", "")
        )["ARN"]
        self._set(name, arn, Id=arn)

    # ------------------------------------------------------------------ compute
    def _role(self, name: str, p: dict[str, Any]) -> None:
        iam = self.aws.client("iam")
        role = p.get("RoleName") or self._name(name)
        arn = iam.create_role(
            RoleName=role, AssumeRolePolicyDocument=json.dumps(p["AssumeRolePolicyDocument"])
        )["Role"]["Arn"]
        for policy in p.get("Policies", []):
            # SAM's policy templates leave out Version, which IAM accepts and moto rejects.
            document = {"Version": "2012-10-17", **policy["PolicyDocument"]}
            iam.put_role_policy(
                RoleName=role, PolicyName=policy["PolicyName"], PolicyDocument=json.dumps(document)
            )
        self._set(name, role, Arn=arn, RoleId=role)

    def _code_dir(self, s3_key: str) -> Path:
        path = (self.root / s3_key).resolve()
        if not path.is_dir():
            raise DeployError(f"code folder {s3_key} does not exist")
        return path

    def _layer(self, name: str, p: dict[str, Any]) -> None:
        self._code_dir(p["Content"]["S3Key"])  # the layer's package is already importable in this process
        arn = self.aws.client("lambda").publish_layer_version(
            LayerName=p["LayerName"],
            Content={"ZipFile": _placeholder_zip("layer runs in-process")},
            CompatibleRuntimes=p.get("CompatibleRuntimes", []),
        )["LayerVersionArn"]
        self._set(name, arn, Arn=arn)

    def _function(self, name: str, p: dict[str, Any]) -> None:
        function_name = p.get("FunctionName") or self._name(name)
        environment = {**p.get("Environment", {}).get("Variables", {}), **self.environment_overrides}
        arn = self.aws.client("lambda").create_function(
            FunctionName=function_name,
            Runtime=p["Runtime"],
            Role=p["Role"],
            Handler=p["Handler"],
            Code={"ZipFile": _placeholder_zip(f"runs in-process from {p['Code']['S3Key']}")},
            Environment={"Variables": environment},
            Timeout=p.get("Timeout", 3),
            MemorySize=p.get("MemorySize", 128),
            Layers=p.get("Layers", []),
        )["FunctionArn"]
        function = LocalFunction(
            function_name,
            arn,
            self._code_dir(p["Code"]["S3Key"]),
            p["Handler"],
            environment,
            p.get("MemorySize", 128),
            p.get("Timeout", 3),
        )
        self.aws.invoker.register(function)
        self.stack.functions[name] = function
        self._set(name, function_name, Arn=arn)

    def _permission(self, name: str, p: dict[str, Any]) -> None:
        statement = f"{name}"[:100]
        self.aws.client("lambda").add_permission(
            FunctionName=p["FunctionName"],
            StatementId=statement,
            Action=p["Action"],
            Principal=p["Principal"],
            **({"SourceArn": p["SourceArn"]} if "SourceArn" in p else {}),
        )
        self._set(name, statement)

    def _event_source_mapping(self, name: str, p: dict[str, Any]) -> None:
        """Created disabled in moto, and polled by the local stack instead (cdp.local.poller): moto's own
        SQS trigger runs the function inside the SendMessage call that enqueued the message (which
        deadlocks a function that enqueues) and ignores ReportBatchItemFailures."""
        if not p["EventSourceArn"].startswith("arn:aws:sqs:"):
            raise DeployError(f"{name}: only SQS event sources run locally, not {p['EventSourceArn']}")
        mapping = self.aws.client("lambda").create_event_source_mapping(
            EventSourceArn=p["EventSourceArn"],
            FunctionName=p["FunctionName"],
            BatchSize=p.get("BatchSize", 10),
            Enabled=False,
        )["UUID"]
        self.stack.queue_sources.append(
            {
                "queue_arn": p["EventSourceArn"],
                "function": p["FunctionName"],
                "batch_size": int(p.get("BatchSize", 10)),
                "partial_failures": "ReportBatchItemFailures" in p.get("FunctionResponseTypes", []),
            }
        )
        self._set(name, mapping)

    def _state_machine(self, name: str, p: dict[str, Any]) -> None:
        definition = p["DefinitionString"]
        for key, value in p.get("DefinitionSubstitutions", {}).items():
            definition = definition.replace("${" + key + "}", str(value))
        json.loads(definition)  # fail here, not at the first execution, on a broken definition
        arn = self.aws.client("stepfunctions").create_state_machine(
            name=p.get("StateMachineName") or self._name(name, 80),
            definition=definition,
            roleArn=p["RoleArn"],
        )["stateMachineArn"]
        self._set(name, arn, Arn=arn, Name=arn.rsplit(":", 1)[-1])

    def _rule(self, name: str, p: dict[str, Any]) -> None:
        events = self.aws.client("events")
        rule = p.get("Name") or self._name(name)
        kwargs: dict[str, Any] = {"Name": rule, "State": p.get("State", "ENABLED")}
        if "ScheduleExpression" in p:
            kwargs["ScheduleExpression"] = p["ScheduleExpression"]
        if "EventPattern" in p:
            kwargs["EventPattern"] = json.dumps(p["EventPattern"])
        arn = events.put_rule(**kwargs)["RuleArn"]
        if p.get("Targets"):
            events.put_targets(Rule=rule, Targets=p["Targets"])
        self._set(name, rule, Arn=arn)

    # ------------------------------------------------------------------ API
    def _rest_api(self, name: str, p: dict[str, Any]) -> None:
        body = p.get("Body", {})
        apigateway = self.aws.client("apigateway")
        api_id = apigateway.create_rest_api(name=body.get("info", {}).get("title", name))["id"]
        # moto imports OpenAPI 3 only and SAM writes Swagger 2: create resources and methods one by one.
        resource_ids = {"/": apigateway.get_resources(restApiId=api_id)["items"][0]["id"]}
        for path, methods in body.get("paths", {}).items():
            for method, spec in methods.items():
                integration = spec.get("x-amazon-apigateway-integration", {})
                match = re.search(r"functions/(arn:aws:lambda:[^/]+)/invocations", integration.get("uri", ""))
                if not match:
                    raise DeployError(f"{name}: {method.upper()} {path} has no Lambda proxy integration")
                parent = "/"
                for part in [segment for segment in path.split("/") if segment]:
                    current = parent.rstrip("/") + "/" + part
                    if current not in resource_ids:
                        resource_ids[current] = apigateway.create_resource(
                            restApiId=api_id, parentId=resource_ids[parent], pathPart=part
                        )["id"]
                    parent = current
                apigateway.put_method(
                    restApiId=api_id,
                    resourceId=resource_ids[parent],
                    httpMethod=method.upper(),
                    authorizationType="NONE",
                    apiKeyRequired=bool(spec.get("security")),
                )
                apigateway.put_integration(
                    restApiId=api_id,
                    resourceId=resource_ids[parent],
                    httpMethod=method.upper(),
                    type="AWS_PROXY",
                    integrationHttpMethod="POST",
                    uri=integration["uri"],
                )
                self.stack.api_routes.append(
                    {
                        "api": name,
                        "path": path,
                        "method": method.upper(),
                        "function_arn": match.group(1),
                        "api_key_required": any("api_key" in s for s in spec.get("security", [])),
                    }
                )
        self._set(name, api_id, RootResourceId=api_id)

    def _api_deployment(self, name: str, p: dict[str, Any]) -> None:
        deployment = self.aws.client("apigateway").create_deployment(
            restApiId=p["RestApiId"], description=p.get("Description", "")
        )["id"]
        self._set(name, deployment)

    def _api_stage(self, name: str, p: dict[str, Any]) -> None:
        self.aws.client("apigateway").create_stage(
            restApiId=p["RestApiId"], stageName=p["StageName"], deploymentId=p["DeploymentId"]
        )
        self._set(name, p["StageName"])

    def _api_key(self, name: str, p: dict[str, Any]) -> None:
        key = self.aws.client("apigateway").create_api_key(name=self._name(name), enabled=True)
        self.stack.api_keys.append(key["value"])
        self._set(name, key["id"])

    def _usage_plan(self, name: str, p: dict[str, Any]) -> None:
        plan = self.aws.client("apigateway").create_usage_plan(
            name=self._name(name),
            apiStages=[{"apiId": s["ApiId"], "stage": s["Stage"]} for s in p.get("ApiStages", [])],
            **(
                {
                    "throttle": {
                        "rateLimit": p["Throttle"]["RateLimit"],
                        "burstLimit": p["Throttle"]["BurstLimit"],
                    }
                }
                if "Throttle" in p
                else {}
            ),
        )["id"]
        self._set(name, plan)

    def _usage_plan_key(self, name: str, p: dict[str, Any]) -> None:
        self.aws.client("apigateway").create_usage_plan_key(
            usagePlanId=p["UsagePlanId"], keyId=p["KeyId"], keyType=p["KeyType"]
        )
        self._set(name, f"{p['UsagePlanId']}:{p['KeyId']}")

    # ------------------------------------------------------------------ catalog and query
    def _glue_database(self, name: str, p: dict[str, Any]) -> None:
        self.aws.client("glue").create_database(DatabaseInput=p["DatabaseInput"])
        self._set(name, p["DatabaseInput"]["Name"])

    def _glue_table(self, name: str, p: dict[str, Any]) -> None:
        self.aws.client("glue").create_table(DatabaseName=p["DatabaseName"], TableInput=p["TableInput"])
        self._set(name, p["TableInput"]["Name"])

    def _workgroup(self, name: str, p: dict[str, Any]) -> None:
        config = p.get("WorkGroupConfiguration", {})
        self.aws.client("athena").create_work_group(
            Name=p["Name"], Configuration={"ResultConfiguration": config.get("ResultConfiguration", {})}
        )
        self._set(name, p["Name"])

    def _named_query(self, name: str, p: dict[str, Any]) -> None:
        query_id = self.aws.client("athena").create_named_query(
            Name=p["Name"],
            Database=p["Database"],
            QueryString=p["QueryString"],
            Description=p.get("Description", ""),
            WorkGroup=p.get("WorkGroup", "primary"),
        )["NamedQueryId"]
        self._set(name, query_id)
