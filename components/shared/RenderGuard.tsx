import * as React from "react";
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";

interface RenderGuardProps {
  readonly title: string;
  readonly retryLabel: string;
  readonly onRetry: () => void;
  readonly children?: React.ReactNode;
}

/**
 * A stored value the domain rejects (a malformed date, an impossible plan)
 * shows as a message with the rule's own words instead of a blank control;
 * Retry loads the record again once it has been corrected.
 */
export class RenderGuard extends React.Component<RenderGuardProps, { message?: string }> {
  state: { message?: string } = {};

  static getDerivedStateFromError(error: unknown): { message: string } {
    return { message: error instanceof Error ? error.message : String(error) };
  }

  render(): React.ReactNode {
    if (this.state.message === undefined) return this.props.children;
    return (
      <MessageBar intent="error" role="alert">
        <MessageBarBody>
          <MessageBarTitle>{this.props.title}</MessageBarTitle>
          {this.state.message}
        </MessageBarBody>
        <MessageBarActions>
          <Button
            onClick={() => {
              this.setState({ message: undefined });
              this.props.onRetry();
            }}
          >
            {this.props.retryLabel}
          </Button>
        </MessageBarActions>
      </MessageBar>
    );
  }
}
