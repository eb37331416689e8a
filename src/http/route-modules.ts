// Every group of HTTP routes the broker serves, one module per concern. Adding a concern (the REST API, metrics,
// the UI's assets, the fault admin endpoint) is a file under routes/ and one line here.
import type { HttpRouteModule } from './http-context';
import { registerFaultRoutes } from './routes/faults';
import { registerHealthRoutes } from './routes/health';
import { registerUiRoutes } from './routes/ui';
import { registerOpenApiRoutes } from './routes/openapi';
import { registerRestV3ClusterRoutes } from './routes/rest-v3-clusters';
import { registerRestV3ConfigRoutes } from './routes/rest-v3-configs';
import { registerRestV3TopicRoutes } from './routes/rest-v3-topics';
import { registerRestV3RecordRoutes } from './routes/rest-v3-records';
import { registerRecordBrowserRoutes } from './routes/records';
import { registerRestV3GroupRoutes } from './routes/rest-v3-groups';
import { registerConsumerGroupAdminRoutes } from './routes/consumer-group-admin';
import { registerOverviewRoutes } from './routes/overview';
import { registerTransactionRoutes } from './routes/transactions';
import { registerLiveRoutes } from './routes/live';
import { registerMetricsRoutes } from './routes/metrics';

// The OpenAPI module comes first: it documents the routes registered after it.
export const ROUTE_MODULES: readonly HttpRouteModule[] = [
  registerOpenApiRoutes,
  registerHealthRoutes,
  registerUiRoutes,
  registerRestV3ClusterRoutes,
  registerRestV3TopicRoutes,
  registerRestV3ConfigRoutes,
  registerRestV3RecordRoutes,
  registerRecordBrowserRoutes,
  registerRestV3GroupRoutes,
  registerConsumerGroupAdminRoutes,
  registerOverviewRoutes,
  registerTransactionRoutes,
  registerLiveRoutes,
  registerMetricsRoutes,
  registerFaultRoutes,
];
