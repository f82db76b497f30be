package io.quarkiverse.socketio.it.declarative;

import java.util.List;

/** A POJO payload: no-argument constructor, getters and setters. */
public class Note {

    private String title;
    private List<String> tags;
    private Item item;

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public List<String> getTags() {
        return tags;
    }

    public void setTags(List<String> tags) {
        this.tags = tags;
    }

    public Item getItem() {
        return item;
    }

    public void setItem(Item item) {
        this.item = item;
    }
}
