# iwmo-flow service image, one for every role (app/roles.ts): the default command runs everything in one
# process; docker-compose.yml runs `app/start.ts worker` and `app/start.ts api` as separate services.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
USER node
# 3000: the API (or the worker's /health and /ready); 9464: the worker's SDK metrics (METRICS_BIND_ADDRESS).
EXPOSE 3000 9464
CMD ["node", "--import", "tsx", "app/start.ts"]
