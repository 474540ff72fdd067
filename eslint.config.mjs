// Lint rules for correctness; layout is prettier's job (`npm run format`).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['imports/**', 'build/**', 'dist/**', 'node_modules/**', 'coverage/**', 'docs/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Strings and template literals hold whole error messages, which stay greppable on one line.
      'max-len': ['error', { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
