import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from './logger.ts';
import { AppError, RateLimitedError, forbidden } from './errors.ts';
import { errorAnswer } from './error-answer.ts';
import { checkPathParams, pathParamNames, pathParamSchema } from './path-params.ts';
import { IDEMPOTENCY_KEY_MAX_LENGTH, type IdempotentRequests } from './idempotency.ts';

export type Role = 'client' | 'expert' | 'admin';

export interface AuthUser {
  id: string;
  role: Role;
  sessionId: string;
}

/** Who may call a route: nobody in particular, any signed-in user, or these roles. */
export type Access = 'public' | 'user' | readonly Role[];

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';

export interface RouteSpec<Body extends z.ZodType, Query extends z.ZodType> {
  method: Method;
  path: string;
  summary: string;
  access: Access;
  body?: Body;
  query?: Query;
  /** Content types accepted as a raw body instead of JSON (uploads). */
  rawBody?: { contentTypes: readonly string[]; maxBytes: number };
  successStatus?: number;
  tag: string;
  /**
   * SPEC §11: honours an `Idempotency-Key` header as Stripe does (same key and body → the first
   * answer again, even while the first still runs; another body → 422 `idempotency_key_reused`).
   */
  idempotent?: boolean;
}

export interface RouteContext<Body, Query> {
  req: Request;
  res: Response;
  body: Body;
  query: Query;
  user: AuthUser | undefined;
}

interface RegisteredOperation {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: z.ZodType;
  query?: z.ZodType;
  rawBody?: { contentTypes: readonly string[] };
  successStatus: number;
  idempotent?: boolean;
}

export type Authenticator = (req: Request) => Promise<AuthUser>;

/**
 * Declares a route once: the same zod schemas validate the request and describe it
 * in the OpenAPI document, so the contract and the code cannot drift apart.
 */
export class Api {
  readonly router = express.Router();
  readonly #operations: RegisteredOperation[] = [];
  readonly #authenticate: Authenticator;
  readonly #idempotency: IdempotentRequests | undefined;

  constructor(authenticate: Authenticator, idempotency?: IdempotentRequests) {
    this.#authenticate = authenticate;
    this.#idempotency = idempotency;
  }

  route<Body extends z.ZodType = z.ZodUndefined, Query extends z.ZodType = z.ZodUndefined>(
    spec: RouteSpec<Body, Query>,
    handler: (context: RouteContext<z.infer<Body>, z.infer<Query>>) => unknown,
  ): void {
    const successStatus = spec.successStatus ?? 200;
    this.#operations.push({ ...spec, successStatus });
    const middlewares = spec.rawBody ? [express.raw({ type: [...spec.rawBody.contentTypes], limit: spec.rawBody.maxBytes })] : [];
    const paramNames = pathParamNames(spec.path);
    if (spec.idempotent && !this.#idempotency) throw new Error(`${spec.path} is idempotent but the Api has no idempotency store`);
    this.router[spec.method](spec.path, ...middlewares, async (req: Request, res: Response) => {
      // §11: an id that is not one is refused before anything reads the database with it.
      checkPathParams(paramNames, req.params);
      const user = spec.access === 'public' ? await this.#optionalUser(req) : await this.#authenticate(req);
      if (Array.isArray(spec.access) && (!user || !spec.access.includes(user.role))) throw forbidden();
      const body = spec.body ? parseInput(spec.body, req.body ?? {}, 'body') : undefined;
      const query = spec.query ? parseInput(spec.query, req.query, 'query') : undefined;
      const run = async () => {
        const result = await handler({ req, res, body, query, user } as RouteContext<z.infer<Body>, z.infer<Query>>);
        if (res.headersSent) return;
        if (result === undefined) res.status(204).end();
        else res.status(successStatus).json(result);
      };
      if (spec.idempotent && user) await this.#idempotency!.run({ req, res, userId: user.id, operation: `${spec.method} ${spec.path}`, body }, run);
      else await run();
    });
  }

  async #optionalUser(req: Request): Promise<AuthUser | undefined> {
    return req.headers.authorization ? this.#authenticate(req) : undefined;
  }

  openApiDocument(info: { title: string; version: string; serverUrl: string }): object {
    const paths: Record<string, Record<string, object>> = {};
    for (const operation of this.#operations) {
      const openApiPath = operation.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const parameters: object[] = pathParamNames(operation.path).map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: pathParamSchema(name),
      }));
      if (operation.query) {
        const querySchema = toJsonSchema(operation.query) as { properties?: Record<string, object>; required?: string[] };
        for (const [name, schema] of Object.entries(querySchema.properties ?? {})) {
          parameters.push({ name, in: 'query', required: querySchema.required?.includes(name) ?? false, schema });
        }
      }
      if (operation.idempotent) parameters.push(IDEMPOTENCY_KEY_PARAMETER);
      const requestBody = operation.body
        ? { required: true, content: { 'application/json': { schema: toJsonSchema(operation.body) } } }
        : operation.rawBody
          ? {
              required: true,
              content: Object.fromEntries(operation.rawBody.contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
            }
          : undefined;
      paths[openApiPath] ??= {};
      paths[openApiPath][operation.method] = {
        summary: operation.summary,
        tags: [operation.tag],
        ...(operation.access === 'public' ? {} : { security: [{ bearer: [] }] }),
        ...(parameters.length ? { parameters } : {}),
        ...(requestBody ? { requestBody } : {}),
        responses: {
          [operation.successStatus]: { description: 'Success' },
          '4XX': { description: 'Client error', content: { 'application/json': { schema: errorSchema } } },
        },
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: info.title, version: info.version },
      servers: [{ url: info.serverUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      paths,
    };
  }
}

const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH },
};

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, param: { type: 'string' } },
    },
  },
};

function toJsonSchema(schema: z.ZodType): object {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

function parseInput<T>(schema: z.ZodType<T>, input: unknown, where: 'body' | 'query'): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param = issue.path.join('.') || undefined;
  // A schema's own check may name a clearer code than the generic one (e.g. invalid_phone_number).
  const code = issue.code === 'custom' && typeof issue.params?.['code'] === 'string' ? issue.params['code'] : 'invalid_request';
  throw new AppError(400, code, `Invalid ${where}${param ? ` field '${param}'` : ''}: ${issue.message}`, param);
}

/** Maps every thrown error to the public shape; only unexpected ones are 5xx and logged with the request id. */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const answer = errorAnswer(error);
    if (answer) {
      if (error instanceof RateLimitedError) res.set('Retry-After', String(error.retryAfterSeconds));
      res.status(answer.status).json(answer.body);
      return;
    }
    logger.error({ err: error, requestId: req.id }, 'unexpected error');
    res.status(500).json({ error: { code: 'internal_error', message: `Unexpected error (request ${JSON.stringify(req.id)}).` } });
  };
}
