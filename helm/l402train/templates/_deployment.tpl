{{/*
One role's Deployment: (dict "root" $ "role" "gateway"). Every role runs the same image with
--roles <role>; they join one Orleans cluster through PostgreSQL and watch each other's pods.
*/}}
{{- define "l402train.deployment" -}}
{{- $root := .root }}
{{- $role := .role }}
{{- $roleValues := index $root.Values $role }}
{{- if $roleValues.enabled }}
{{- include "l402train.validateValues" $root }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ printf "%s-%s" (include "l402train.fullname" $root) $role | trunc 63 | trimSuffix "-" }}
  namespace: {{ $root.Release.Namespace | quote }}
  labels:
    {{- include "l402train.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $role }}
spec:
  replicas: {{ $roleValues.replicaCount }}
  selector:
    matchLabels:
      {{- include "l402train.selectorLabels" $root | nindent 6 }}
      app.kubernetes.io/component: {{ $role }}
  template:
    metadata:
      labels:
        {{- include "l402train.labels" $root | nindent 8 }}
        app.kubernetes.io/component: {{ $role }}
        orleans/serviceId: {{ $root.Values.cluster.serviceId | quote }}
        orleans/clusterId: {{ $root.Values.cluster.clusterId | quote }}
        {{- with $roleValues.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/secrets: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
        {{- with $roleValues.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "l402train.serviceAccountName" $root }}
      {{- with $root.Values.image.pullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if not $roleValues.hostUsers }}
      hostUsers: false
      {{- end }}
      terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
      securityContext:
        {{- toYaml (mustMergeOverwrite (deepCopy $root.Values.podSecurityContext) $roleValues.podSecurityContext) | nindent 8 }}
      initContainers:
        # Secret volumes are root-owned with group bits (fsGroup); the silo refuses a secret group or
        # others may read, so each file is copied 0600, owned by the silo's user, into a memory volume.
        - name: copy-secrets
          image: {{ include "l402train.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command: ["/bin/sh", "-c", "for f in /secrets-in/*; do install -m 0600 \"$f\" /run/l402train/; done"]
          securityContext:
            {{- toYaml (mustMergeOverwrite (deepCopy $root.Values.containerSecurityContext) $roleValues.containerSecurityContext) | nindent 12 }}
          resources:
            requests:
              cpu: 10m
              memory: 16Mi
            limits:
              memory: 32Mi
          volumeMounts:
            - name: secrets-in
              mountPath: /secrets-in
              readOnly: true
            - name: secrets
              mountPath: /run/l402train
      containers:
        - name: silo
          image: {{ include "l402train.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args: ["serve", "--kubernetes", "--roles", {{ $role | quote }}]
          env:
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
            {{- include "l402train.storeEnv" $root | nindent 12 }}
            - name: L402TRAIN_SILOPORT
              value: {{ $root.Values.cluster.siloPort | quote }}
            - name: L402TRAIN_TRACKS
              value: {{ join "," $root.Values.tracks | quote }}
            - name: L402TRAIN_URLS
              value: "http://0.0.0.0:8402"
            - name: L402TRAIN_DATADIR
              value: /data
            - name: L402TRAIN_SECRETFILE
              value: /run/l402train/server-secret
            - name: L402TRAIN_LIGHTNING
              value: {{ printf "lnd:%s" $root.Values.lightning.restUrl | quote }}
            - name: L402TRAIN_LNDMACAROON
              value: /run/l402train/admin.macaroon
            {{- if include "l402train.hasTlsCert" $root }}
            - name: L402TRAIN_LNDCERT
              value: /run/l402train/tls.cert
            {{- end }}
            {{- if eq $role "worker" }}
            {{- /* The worker's settings (docs/workers.md); the public URL and the index default as the helpers say. */}}
            - name: L402TRAIN_WORKERPRICESATS
              value: {{ $root.Values.worker.priceSats | quote }}
            - name: L402TRAIN_WORKERMAXSTEPS
              value: {{ $root.Values.worker.maxSteps | quote }}
            - name: L402TRAIN_WORKERDEADLINES
              value: {{ $root.Values.worker.deadlineSeconds | quote }}
            - name: L402TRAIN_WORKERPUBLICURL
              value: {{ include "l402train.workerPublicUrl" $root | quote }}
            - name: L402TRAIN_WORKERINDEXURL
              value: {{ include "l402train.workerIndexUrl" $root | quote }}
            - name: L402TRAIN_WORKERARCHIVES
              value: {{ ternary "on" "off" $root.Values.worker.archives | quote }}
            {{- end }}
            {{- with $root.Values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          ports:
            - name: http
              containerPort: 8402
              protocol: TCP
            - name: silo
              containerPort: {{ $root.Values.cluster.siloPort }}
              protocol: TCP
          startupProbe:
            httpGet:
              path: /alive
              port: http
            periodSeconds: 5
            failureThreshold: 60
          livenessProbe:
            httpGet:
              path: /alive
              port: http
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /health
              port: http
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 2
          resources:
            {{- toYaml $roleValues.resources | nindent 12 }}
          securityContext:
            {{- toYaml (mustMergeOverwrite (deepCopy $root.Values.containerSecurityContext) $roleValues.containerSecurityContext) | nindent 12 }}
          volumeMounts:
            - name: data
              mountPath: /data
            - name: tmp
              mountPath: /tmp
            - name: secrets
              mountPath: /run/l402train
              readOnly: true
      volumes:
        - name: data
          {{- if $root.Values.persistence.enabled }}
          persistentVolumeClaim:
            claimName: {{ include "l402train.claimName" $root }}
          {{- else }}
          # Not shared: only for a single silo trying the chart out (silos must share blobs).
          emptyDir: {}
          {{- end }}
        - name: tmp
          emptyDir:
            sizeLimit: {{ $root.Values.tmp.sizeLimit }}
        - name: secrets
          emptyDir:
            medium: Memory
            sizeLimit: 1Mi
        - name: secrets-in
          secret:
            secretName: {{ include "l402train.secretName" $root }}
            defaultMode: 0440
            items:
              - key: {{ $root.Values.secrets.serverSecretKey }}
                path: server-secret
              - key: {{ $root.Values.secrets.lndMacaroonKey }}
                path: admin.macaroon
              {{- if include "l402train.hasTlsCert" $root }}
              - key: {{ $root.Values.secrets.lndTlsCertKey }}
                path: tls.cert
              {{- end }}
      {{- with $roleValues.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $roleValues.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $roleValues.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
{{- end }}
