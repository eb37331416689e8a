# syntax=docker/dockerfile:1
# Eddy: a Kafka-compatible broker. Build: docker build -t eddy .   Run: docker run -p 9092:9092 eddy
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Sources are not here yet, so skip the "prepare" build; it runs below once they are.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY codecs ./codecs
COPY storage ./storage
COPY src ./src
COPY build ./build
# The start bundle is made before pruning: esbuild is a dev dependency. The bundle holds the production packages
# it uses, in the versions package-lock.json gives, as the pruned node_modules does.
# The web console (dist/console) is bundled there too: preact and uPlot are dev dependencies, built into it.
RUN npx tsc -p tsconfig.build.json && node dist/build/console-bundle.js && node dist/build/start-bundle.js && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production \
    EDDY_DATA_DIR=/data \
    EDDY_HOST=0.0.0.0 \
    EDDY_PORT=9092 \
    EDDY_HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# The start bundle's V8 code cache, made here rather than in the build stage: it is keyed by the bundle file as the
# image holds it (image layers keep whole-second mtimes), and by the Node.js that runs it.
RUN node dist/build/code-cache.js && mkdir -p /data && chown node:node /data
USER node
VOLUME /data
# 8082: the HTTP console, /metrics and admin endpoint (EDDY_HTTP=false turns it off).
EXPOSE 9092 8082
# SSL and SASL listeners (README "Security"): mount the key store and users file, then e.g.
#   -e EDDY_LISTENERS='SASL_SSL://0.0.0.0:9093' -e EDDY_SSL_KEYSTORE=/certs/broker.pem -e EDDY_USERS_FILE=/users.properties
# node is PID 1 and handles SIGTERM itself: it stops accepting, closes connections and marks the log clean.
CMD ["node", "bin/eddy.js", "start"]
