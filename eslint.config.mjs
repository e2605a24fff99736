/**
 * ESLint for the frontend (src/) and the Galata tests (ui-tests/), with the rules of the
 * JupyterLab extension template. Formatting is prettier's job (`jlpm lint:check` runs both),
 * so eslint-config-prettier turns off the rules it would fight with; the template's rules come
 * after it, so the quote and curly rules below stay on.
 *
 * No type information is used: the rules need none, and ui-tests/ lints without installing its
 * own packages in the root.
 */
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig([
  {
    ignores: [
      'node_modules',
      'lib',
      'python',
      'ui-tests/node_modules',
      'ui-tests/test-results',
      'ui-tests/playwright-report',
      '**/*.js',
      '**/*.d.ts'
    ]
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/naming-convention': [
        'error',
        {
          selector: 'interface',
          format: ['PascalCase'],
          custom: { regex: '^I[A-Z]', match: true }
        }
      ],
      // Rest siblings: `const { seen, ...rest } = x` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': [
        'warn',
        { args: 'none', ignoreRestSiblings: true }
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/no-use-before-define': 'off',
      quotes: [
        'error',
        'single',
        { avoidEscape: true, allowTemplateLiterals: false }
      ],
      curly: ['error', 'all'],
      eqeqeq: 'error',
      'prefer-arrow-callback': 'error'
    }
  },
  {
    // The project's own size rules for the extension's code (tests may run longer).
    files: ['src/**/*.ts'],
    ignores: ['src/__tests__/**'],
    rules: {
      'max-lines': ['error', { max: 250 }],
      'max-lines-per-function': [
        'error',
        { max: 40, skipBlankLines: true, skipComments: true }
      ]
    }
  }
]);
