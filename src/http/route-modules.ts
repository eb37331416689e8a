// Every group of HTTP routes the broker serves, one module per concern. Adding a concern (the REST API, metrics,
// the UI's assets, the fault admin endpoint) is a file under routes/ and one line here.
import type { HttpRouteModule } from './http-context';
import { registerHealthRoutes } from './routes/health';
import { registerUiRoutes } from './routes/ui';

export const ROUTE_MODULES: readonly HttpRouteModule[] = [registerHealthRoutes, registerUiRoutes];
