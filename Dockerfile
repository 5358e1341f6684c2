# syntax=docker/dockerfile:1
# The silo and the peer agent in one image: `silo` is the entrypoint; compose runs the peer agent
# with --entrypoint. Build: docker build -t l402train .   Run: see docs/deploy.md.
#
# Runtime base: Debian bookworm (bubblewrap, libsecp256k1-1 and util-linux from Debian). Microsoft
# publishes no Debian image for .NET 10 (its images are Ubuntu, Alpine and Azure Linux), so the
# shared ASP.NET Core runtime is copied from the official aspnet image: it is the portable glibc
# build and runs on bookworm's glibc 2.36.

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION}-noble AS build
WORKDIR /src
# The whole tree (less .dockerignore): a project list here would break on the next new project; the
# NuGet cache mount keeps re-restores cheap.
COPY . .
RUN --mount=type=cache,target=/root/.nuget/packages \
    dotnet restore silo/L402Train.Silo.csproj && dotnet restore peer-agent/L402Train.PeerAgent.csproj \
 && dotnet publish silo/L402Train.Silo.csproj -c Release --no-restore --no-self-contained -p:UseAppHost=false -o /out/silo \
 && dotnet publish peer-agent/L402Train.PeerAgent.csproj -c Release --no-restore --no-self-contained -p:UseAppHost=false -o /out/peer-agent

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-noble AS aspnet

FROM debian:bookworm-slim AS runtime
# bubblewrap: the validator's sandbox; util-linux: prlimit and setpriv it runs under; libsecp256k1-1:
# native signing (~25x faster than the managed fallback); libssl3, ca-certificates, tzdata: .NET (no
# ICU: the projects build with InvariantGlobalization); curl: the health check; bible-kjv: the default
# training corpus (docs/training.md; without it a silo trains on the generated stories and says so).
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap util-linux libsecp256k1-1 libssl3 ca-certificates curl tzdata bible-kjv \
 && rm -rf /var/lib/apt/lists/*
COPY --from=aspnet /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
 && groupadd --system --gid 10001 l402 \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin l402 \
 && mkdir -p /data && chown 10001:10001 /data && chmod 0700 /data
COPY --from=build /out/silo /app/silo
COPY --from=build /out/peer-agent /app/peer-agent
COPY deploy/docker/peer-agent /usr/local/bin/peer-agent

# Read-only root filesystem: the silo writes only under /data (store, blobs, secrets; a volume) and
# /tmp (bounty working copies, .NET's diagnostics socket). Nothing else needs to be writable.
ENV DOTNET_ROOT=/usr/share/dotnet \
    DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    HOME=/tmp \
    TMPDIR=/tmp \
    L402TRAIN_DATADIR=/data \
    L402TRAIN_URLS=http://0.0.0.0:8402
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
# 8402: the HTTP gateway; 11111: Orleans' silo-to-silo port (PostgreSQL clusters).
EXPOSE 8402 11111
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8402/alive"]
ENTRYPOINT ["dotnet", "/app/silo/L402Train.Silo.dll"]
CMD ["serve"]
