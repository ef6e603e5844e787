// typescript-eslint's recommended rules, tuned to the style the code follows: unused names are
// allowed when they start with `_` (a destructured field left out on purpose); control characters in
// regular expressions are allowed because matching them is how user text gets escaped. The generated
// project's files are linted the same way as fuseplan's own.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/', '.tmp/', 'coverage/', '**/node_modules/', 'bench/tools/', 'test/fixtures/', 'templates/project/src/config.validate.ts']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {...globals.node}},
    rules: {
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none'}],
    },
  },
)
