// The Express peer of cv-api's three read endpoints, written as a Node team
// would: Express 4, the official MongoDB driver, jsonwebtoken and ioredis,
// one process per core with the cluster module. Same database, same Redis,
// same token as cv-api, so tests/bench/compare can put the two side by side.
//
// Environment: PORT, MONGODB_URI, REDIS_URL, JWT_SECRET, WORKERS (2).
'use strict';
const cluster = require('node:cluster');
const express = require('express');
const jwt = require('jsonwebtoken');
const Redis = require('ioredis');
const { MongoClient, ObjectId } = require('mongodb');

const PLAN_LIMITS = { free: 3, pro: 100 };

if (cluster.isPrimary) {
  const workers = Number(process.env.WORKERS || 2);
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', () => process.exit(1));
} else {
  main().catch((err) => { console.error(err); process.exit(1); });
}

function monthStart(now = new Date()) {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

async function main() {
  const mongo = await MongoClient.connect(process.env.MONGODB_URI);
  const db = mongo.db();
  const redis = new Redis(process.env.REDIS_URL);
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));

  const authenticate = async (req, res, next) => {
    try {
      const header = req.get('authorization') || '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : null;
      if (!token) return res.status(401).json({ error: { code: 'unauthorized', message: 'missing token' } });
      const claims = jwt.verify(token, process.env.JWT_SECRET, { algorithms: ['HS256'] });
      if (await redis.exists(`cv:revoked:${claims.jti}`)) {
        return res.status(401).json({ error: { code: 'unauthorized', message: 'revoked' } });
      }
      const user = await db.collection('users').findOne({ _id: new ObjectId(claims.sub) });
      if (!user) return res.status(401).json({ error: { code: 'unauthorized', message: 'no such user' } });
      req.user = user;
      next();
    } catch (err) {
      res.status(401).json({ error: { code: 'unauthorized', message: 'invalid token' } });
    }
  };

  app.get('/api/health', (req, res) => res.json({ status: 'ok', version: 'peer' }));

  app.get('/api/auth/me', authenticate, async (req, res, next) => {
    try {
      const u = req.user;
      const periodStart = monthStart();
      const used = await db.collection('usage_slots')
        .countDocuments({ userId: u._id.toHexString(), month: periodStart });
      res.json({
        user: {
          id: u._id.toHexString(), email: u.email, name: u.name, plan: u.plan,
          createdAt: u.createdAt,
          usage: { periodStart, analysesUsed: used, analysesLimit: PLAN_LIMITS[u.plan] || 0 },
        },
      });
    } catch (err) { next(err); }
  });

  app.get('/api/cv/analyses', authenticate, async (req, res, next) => {
    try {
      const page = Math.max(1, parseInt(req.query.page || '1', 10));
      const limit = Math.min(100, Math.max(1, parseInt(req.query.limit || '20', 10)));
      const filter = { userId: req.user._id };
      const coll = db.collection('analyses');
      const [docs, total] = await Promise.all([
        coll.find(filter, { projection: { originalText: 0, fileKey: 0 } })
          .sort({ createdAt: -1 }).skip((page - 1) * limit).limit(limit).toArray(),
        coll.countDocuments(filter),
      ]);
      const analyses = docs.map(({ _id, userId, ...rest }) => ({
        id: _id.toHexString(), ...rest, fileUrl: `/api/cv/analyses/${_id.toHexString()}/file`,
      }));
      res.json({ analyses, page, limit, total });
    } catch (err) { next(err); }
  });

  app.listen(Number(process.env.PORT), '127.0.0.1');
}
