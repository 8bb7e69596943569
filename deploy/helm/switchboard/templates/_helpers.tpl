{{/* Names and labels. */}}
{{- define "switchboard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "switchboard.fullname" -}}
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

{{- define "switchboard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "switchboard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "switchboard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end }}

{{- define "switchboard.labels" -}}
helm.sh/chart: {{ include "switchboard.chart" . }}
app.kubernetes.io/name: {{ include "switchboard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: switchboard
{{- end }}

{{- define "switchboard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "switchboard.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "switchboard.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The headless Service whose DNS records list the pods (Hazelcast discovery). */}}
{{- define "switchboard.headlessName" -}}
{{- printf "%s-hazelcast" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "switchboard.redisName" -}}
{{- printf "%s-redis" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The chart's own Secret (API key, JWT secret, TURN secret), unless secrets.existingSecret. */}}
{{- define "switchboard.secretName" -}}
{{- default (printf "%s-secrets" (include "switchboard.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{/* Whether the chart creates a Secret of its own for the API key, JWT and TURN secrets. */}}
{{- define "switchboard.ownSecret" -}}
{{- if not .Values.secrets.existingSecret }}true{{ end }}
{{- end }}

{{/*
Where REDIS_URL comes from, as "secretName/key/managed": managed=true when the chart writes the
URL into a Secret of its own (the bundled Redis, or redis.url / sentinel / cluster URLs given as
values).
*/}}
{{- define "switchboard.redisUrlSource" -}}
{{- $r := .Values.redis }}
{{- if $r.existingSecret }}
{{- printf "%s/%s/false" $r.existingSecret $r.existingSecretKey }}
{{- else if and (ne $r.mode "bundled") .Values.secrets.existingSecret (not (include "switchboard.redisUrls" .)) }}
{{- printf "%s/redis-url/false" .Values.secrets.existingSecret }}
{{- else }}
{{- printf "%s/redis-url/true" (printf "%s-redis-url" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-") }}
{{- end }}
{{- end }}

{{/* The Redis URL(s) given as values (comma list), empty when none. */}}
{{- define "switchboard.redisUrls" -}}
{{- $r := .Values.redis }}
{{- if eq $r.mode "bundled" }}
{{- printf "redis://%s:6379" (include "switchboard.redisName" .) }}
{{- else if eq $r.mode "external" }}
{{- $r.url }}
{{- else if eq $r.mode "sentinel" }}
{{- join "," $r.sentinel.urls }}
{{- else if eq $r.mode "cluster" }}
{{- join "," $r.cluster.urls }}
{{- end }}
{{- end }}

{{- define "switchboard.redisType" -}}
{{- if eq .Values.redis.mode "sentinel" }}sentinel{{ else if eq .Values.redis.mode "cluster" }}cluster{{ else }}standalone{{ end }}
{{- end }}

{{/* Checks that stop a render that would not start a working cluster. */}}
{{- define "switchboard.validate" -}}
{{- $r := .Values.redis }}
{{- if not (has $r.mode (list "bundled" "external" "sentinel" "cluster")) }}
{{- fail (printf "redis.mode must be bundled, external, sentinel or cluster, not %q" $r.mode) }}
{{- end }}
{{- if and (ne $r.mode "bundled") (not $r.existingSecret) (not .Values.secrets.existingSecret) (not (include "switchboard.redisUrls" .)) }}
{{- fail (printf "redis.mode=%s needs the Redis URL(s): redis.url (external), redis.sentinel.urls, redis.cluster.urls, or redis.existingSecret" $r.mode) }}
{{- end }}
{{- if and (eq $r.mode "sentinel") (not $r.sentinel.masterName) }}
{{- fail "redis.mode=sentinel needs redis.sentinel.masterName" }}
{{- end }}
{{- if and .Values.auth.jwt.secret .Values.auth.jwt.jwksUrl }}
{{- fail "set auth.jwt.secret or auth.jwt.jwksUrl, not both" }}
{{- end }}
{{- if and .Values.ice.turnUrls (not .Values.ice.turnSecret) (not .Values.secrets.existingSecret) }}
{{- fail "ice.turnUrls needs ice.turnSecret (or a turn-secret key in secrets.existingSecret)" }}
{{- end }}
{{- $l := .Values.lifecycle }}
{{- $needed := add (int $l.preStopSleepSeconds) (div (int $l.drainTimeoutMs) 1000) 10 }}
{{- if le (int $l.terminationGracePeriodSeconds) (int $needed) }}
{{- fail (printf "lifecycle.terminationGracePeriodSeconds (%d) must exceed preStopSleepSeconds + drainTimeoutMs/1000 + 10 s for leaving the cluster (%d): the pod would be killed mid-drain" (int $l.terminationGracePeriodSeconds) (int $needed)) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- fail "autoscaling.minReplicas exceeds autoscaling.maxReplicas" }}
{{- end }}
{{- end }}
