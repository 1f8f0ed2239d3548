// ESLint (flat config): the recommended JavaScript rules and typescript-eslint's recommended
// rules on every file of the repository; `npm test` runs it first (npm run lint).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/src/generated/**', '.tools/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // A leading underscore marks what is unused on purpose (a destructured field left out, an Express error handler's next).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  // CommonJS files: require is how they import.
  {
    files: ['**/*.cjs', '**/jest.config.js', 'jest.preset.js', 'jest.setup-env.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // A service's main.ts loads the service with require, synchronously, after tracing started
  // (platform/src/bootstrap/run-service.ts): an import would load express and pg before it.
  { files: ['*/src/main.ts'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  { files: ['**/test/**/*.ts'], languageOptions: { globals: { ...globals.jest } } },
);
