{{/* The chart's name, shortened to the 63 characters a label value allows. */}}
{{- define "l402train.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: release-chart, or fullnameOverride. */}}
{{- define "l402train.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "l402train.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every resource carries (app.kubernetes.io conventions). */}}
{{- define "l402train.labels" -}}
helm.sh/chart: {{ include "l402train.chart" . }}
{{ include "l402train.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: l402train
{{- end }}

{{- define "l402train.selectorLabels" -}}
app.kubernetes.io/name: {{ include "l402train.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "l402train.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "l402train.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image reference: registry/repository, then @digest or :tag (default: appVersion). */}}
{{- define "l402train.image" -}}
{{- $repository := .Values.image.repository }}
{{- if .Values.image.registry }}{{ $repository = printf "%s/%s" .Values.image.registry .Values.image.repository }}{{ end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The Secret with the server secret and LND's macaroon and certificate. */}}
{{- define "l402train.secretName" -}}
{{- default (printf "%s-secrets" (include "l402train.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{/* The Secret with the PostgreSQL connection string. */}}
{{- define "l402train.postgresqlSecretName" -}}
{{- default (printf "%s-postgresql" (include "l402train.fullname" .)) .Values.postgresql.existingSecret }}
{{- end }}

{{/* Whether LND's certificate is mounted and pinned: the silo requires it with an https REST URL and refuses it with http. */}}
{{- define "l402train.hasTlsCert" -}}
{{- if hasPrefix "https://" .Values.lightning.restUrl }}true{{ end }}
{{- end }}

{{- define "l402train.claimName" -}}
{{- default (printf "%s-data" (include "l402train.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/* The worker's Service (and Ingress backend): buyers reach the worker there, not through the gateway. */}}
{{- define "l402train.workerName" -}}
{{- printf "%s-worker" (include "l402train.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The base URL the worker's signed registration names: worker.publicUrl, else the worker Ingress' host. */}}
{{- define "l402train.workerPublicUrl" -}}
{{- if .Values.worker.publicUrl }}
{{- printf "%s/" (trimSuffix "/" .Values.worker.publicUrl) }}
{{- else if and .Values.worker.ingress.enabled .Values.worker.ingress.host }}
{{- printf "%s://%s/" (ternary "https" "http" (gt (len .Values.worker.ingress.tls) 0)) .Values.worker.ingress.host }}
{{- end }}
{{- end }}

{{/* The agent index the worker registers with: worker.indexUrl, else this release's gateway Service in the cluster. */}}
{{- define "l402train.workerIndexUrl" -}}
{{- if .Values.worker.indexUrl }}
{{- .Values.worker.indexUrl }}
{{- else if .Values.gateway.enabled }}
{{- printf "http://%s.%s.svc:%v/" (include "l402train.fullname" .) .Release.Namespace .Values.service.port }}
{{- end }}
{{- end }}

{{/* Fails the render with a message naming the value, like the silo's own start-up checks. */}}
{{- define "l402train.validateValues" -}}
{{- if not .Values.lightning.restUrl }}
{{- fail "lightning.restUrl: set LND's REST URL, e.g. https://lnd.lightning.svc:8080" }}
{{- end }}
{{- if and (not .Values.postgresql.existingSecret) (not .Values.postgresql.connectionString) }}
{{- fail "postgresql.existingSecret or postgresql.connectionString: the silos need an external PostgreSQL" }}
{{- end }}
{{- if and (not .Values.secrets.existingSecret) (or (not .Values.secrets.serverSecret) (not .Values.secrets.lndMacaroonBase64)) }}
{{- fail "secrets.existingSecret, or secrets.serverSecret and secrets.lndMacaroonBase64: the silos need the server secret and LND's macaroon" }}
{{- end }}
{{- if and .Values.worker.enabled (not (include "l402train.workerPublicUrl" .)) }}
{{- fail "worker.publicUrl: set the URL buyers reach the worker at (its signed registration names it), or enable worker.ingress with a host" }}
{{- end }}
{{- if and .Values.worker.enabled .Values.worker.ingress.enabled (not .Values.worker.ingress.host) }}
{{- fail "worker.ingress.host: set the host name buyers reach the worker at" }}
{{- end }}
{{- if and (include "l402train.hasTlsCert" .) (not .Values.secrets.existingSecret) (not .Values.secrets.lndTlsCert) }}
{{- fail "secrets.lndTlsCert: an https lightning.restUrl is pinned to LND's tls.cert; give it (or use an http URL)" }}
{{- end }}
{{- end }}

{{/*
The environment every silo container and the migrations Job share: the store from the Secret
(Kubernetes expands $(POSTGRES_CONNECTION_STRING) from the variable defined before it).
*/}}
{{- define "l402train.storeEnv" -}}
- name: POSTGRES_CONNECTION_STRING
  valueFrom:
    secretKeyRef:
      name: {{ include "l402train.postgresqlSecretName" . }}
      key: {{ .Values.postgresql.existingSecretKey }}
- name: L402TRAIN_STORE
  value: "postgres:$(POSTGRES_CONNECTION_STRING)"
- name: L402TRAIN_CLUSTERID
  value: {{ .Values.cluster.clusterId | quote }}
- name: L402TRAIN_SERVICEID
  value: {{ .Values.cluster.serviceId | quote }}
{{- end }}
