// Shared jest settings for every workspace: swc transpiles TypeScript (type checking is the
// separate `tsc -b` step of `npm test`), and the ESM-only packages we use (jose,
// http-proxy-middleware, httpxy) are transpiled to CommonJS because jest's module loader
// cannot require ES modules.
const path = require('node:path');

const esmPackages = ['jose', 'http-proxy-middleware', 'httpxy', 'is-plain-obj'];

/** @param {string} dir the workspace folder */
module.exports = function jestPreset(dir) {
  return {
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
    },
    transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
    moduleNameMapper: {
      '^@shop/platform/(.*)$': path.join(__dirname, 'platform/src/$1'),
    },
    testTimeout: 20000,
    setupFiles: [path.join(__dirname, 'jest.setup-env.js')],
  };
};
