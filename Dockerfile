# Samenspel's matcher and indexer in one image (the scaled set-up, docker-compose.yml).
# Build: docker build -t samenspel .
# The binaries are static (pure-Go SQLite), so the runtime image is distroless:
# no shell, no package manager, a non-root user.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# nomsgpack: gin without its MessagePack binding, which nothing here accepts; its
# codec's package start-up is then left out of every start of the binaries.
RUN CGO_ENABLED=0 go build -tags nomsgpack -trimpath -ldflags="-s -w" -o /out/matcher ./cmd/matcher \
 && CGO_ENABLED=0 go build -tags nomsgpack -trimpath -ldflags="-s -w" -o /out/indexer ./cmd/indexer \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/matcher /out/indexer /
# A named volume mounted here starts with this directory's owner: the non-root user.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV SAMENSPEL_ADDR=0.0.0.0:8080 \
    SAMENSPEL_DATA=/data
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["/matcher", "healthcheck"]
ENTRYPOINT ["/matcher"]
